package parley.server.outbound;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * This subpackage's own "Must not know:" paragraph, checked like the top-level packages' (the
 * architecture test reads only those): its parts know nothing of the rest of the server, not even
 * their parent package, which drives them.
 */
class OutboundPackageTest {
    private static final Path INFO = Path.of("src/main/java/parley/server/outbound/package-info.java");

    @Test
    void keepsToWhatItsPackageInfoSaysItMustNotKnow() throws Exception {
        Matcher m = Pattern.compile("Must not know:(.*?)(?:\\n \\*\\s*\\n|\\*/)", Pattern.DOTALL)
                .matcher(Files.readString(INFO));
        assertThat(m.find()).isTrue();
        List<String> forbidden = new ArrayList<>();
        Matcher p = Pattern.compile("\\{@code (parley\\.[a-z]+)}").matcher(m.group(1));
        while (p.find()) forbidden.add(p.group(1));
        assertThat(forbidden).contains("parley.server", "parley.broadcast", "parley.cli");

        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("parley");
        for (String other : forbidden) {
            // The parent package itself, not its subpackages (this one among them); others whole.
            String scope = other.equals("parley.server") ? other : other + "..";
            noClasses().that().resideInAPackage("parley.server.outbound..")
                    .should().dependOnClassesThat().resideInAPackage(scope)
                    .because(INFO + " says so").check(classes);
        }
    }
}
