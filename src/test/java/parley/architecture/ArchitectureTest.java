package parley.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The package rules, read from the documentation that states them: every package under
 * {@code parley} has a package-info whose "Must not know:" paragraph lists, as {@code parley.x}
 * code spans, the packages it may not depend on. Each list becomes an ArchUnit rule over the
 * compiled main classes, so a dependency that breaks a package's stated contract fails here, and
 * changing the contract means changing its documentation. The package graph must have no cycle.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/parley");
    private static final Pattern MUST_NOT_KNOW = Pattern.compile("Must not know:(.*?)(?:\\n \\*\\s*\\n|\\*/)", Pattern.DOTALL);
    private static final Pattern PACKAGE = Pattern.compile("\\{@code parley\\.([a-z]+)}");
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("parley");
    }

    /** Each package's forbidden packages, from its package-info. */
    static Map<String, List<String>> forbidden() throws IOException {
        Map<String, List<String>> rules = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                String pkg = dir.getFileName().toString();
                Path info = dir.resolve("package-info.java");
                assertThat(info).as("every package states what it owns and must not know").exists();
                Matcher m = MUST_NOT_KNOW.matcher(Files.readString(info));
                assertThat(m.find()).as(info + " has a 'Must not know:' paragraph").isTrue();
                List<String> names = new ArrayList<>();
                Matcher p = PACKAGE.matcher(m.group(1));
                while (p.find()) {
                    if (!p.group(1).equals(pkg)) names.add(p.group(1));
                }
                rules.put(pkg, names);
            }
        }
        return rules;
    }

    @TestFactory
    Stream<DynamicTest> eachPackageKeepsToWhatItsPackageInfoSaysItMustNotKnow() throws IOException {
        return forbidden().entrySet().stream().flatMap(e -> e.getValue().stream().map(other ->
                DynamicTest.dynamicTest(e.getKey() + " must not know " + other, () ->
                        noClasses().that().resideInAPackage("parley." + e.getKey() + "..")
                                .should().dependOnClassesThat().resideInAPackage("parley." + other + "..")
                                .because("package-info of parley." + e.getKey() + " says so")
                                .check(classes))));
    }

    @Test
    void everyPackageIsForbiddenToKnowTheCommandLineAndWiring() throws IOException {
        forbidden().forEach((pkg, names) -> {
            if (!pkg.equals("cli")) assertThat(names).as("parley." + pkg + " must not know parley.cli").contains("cli");
        });
    }

    @Test
    void thePackageGraphHasNoCycle() {
        slices().matching("parley.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theRuleReaderFindsAViolationWhereThereIsOne() {
        // Positive control: the core does use broadcast, so a rule forbidding it must fail.
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                noClasses().that().resideInAPackage("parley.server..")
                        .should().dependOnClassesThat().resideInAPackage("parley.broadcast..")
                        .check(classes))
                .isInstanceOf(AssertionError.class);
    }
}
