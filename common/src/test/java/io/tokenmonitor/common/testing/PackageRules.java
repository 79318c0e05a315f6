package io.tokenmonitor.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a program's package structure from its compiled production classes: each feature package under a root may
 * use only the sibling packages it is allowed to, so the imports follow the data and no two packages depend on each
 * other. Each module's structure test writes its allowed map once, as the picture a new maintainer should have.
 */
public final class PackageRules {
    private final String root;
    private final JavaClasses classes;

    private PackageRules(String root, JavaClasses classes) {
        this.root = root;
        this.classes = classes;
    }

    /** The production classes (no tests, no jars) under {@code rootPackage}. */
    public static PackageRules of(String rootPackage) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
        return new PackageRules(rootPackage, classes);
    }

    /**
     * Asserts that every package directly under the root is a key of {@code allowed} and uses, of its siblings, only
     * those listed for it. Classes in the root package itself (the entry point) may use every package.
     */
    public void assertUsesOnly(Map<String, Set<String>> allowed) {
        List<String> violations = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (JavaClass origin : classes) {
            String from = feature(origin);
            if (from == null) {
                continue;
            }
            if (!allowed.containsKey(from)) {
                unknown.add(from);
                continue;
            }
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                String to = feature(dependency.getTargetClass());
                if (to != null && !to.equals(from) && !allowed.get(from).contains(to)) {
                    violations.add(from + " -> " + to + ": " + dependency.getDescription());
                }
            }
        }
        assertThat(unknown)
                .as("packages under %s that the structure test does not place", root)
                .isEmpty();
        assertThat(new TreeSet<>(violations))
                .as("imports against the data flow under %s", root)
                .isEmpty();
    }

    /** The first package segment under the root, {@code ""} for the root package, null outside the root. */
    private String feature(JavaClass type) {
        String pkg = type.getPackageName();
        if (pkg.equals(root)) {
            return null;
        }
        if (!pkg.startsWith(root + ".")) {
            return null;
        }
        String rest = pkg.substring(root.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
