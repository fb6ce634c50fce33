package dev.cachectl.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build step that rewrites picocli's Java 5 class files as Java 8 ones ({@link OldClassUpgrade}),
 * on picocli's own jar: every class comes out as version 52, passes the JVM's verifier (it is
 * initialized, which links and verifies it), and picocli still builds a command and its help.
 */
class OldClassUpgradeTest {

    @Test
    void picocli_comes_out_as_verified_java_8_classes_that_still_work(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("picocli.jar");
        Files.copy(Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI()), jar);
        List<String> classes = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
                    .forEach(classes::add);
            for (String name : classes) {
                assertEquals(49, OldClassUpgrade.version(zip.getInputStream(zip.getEntry(name)).readAllBytes()),
                        "picocli ships Java 5 classes, which this step is for: " + name);
            }
        }

        assertEquals(classes.size(), OldClassUpgrade.upgradeJar(jar));

        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String name : classes) {
                assertEquals(52, OldClassUpgrade.version(zip.getInputStream(zip.getEntry(name)).readAllBytes()), name);
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String name : classes) {
                Class<?> c = Class.forName(name.replace('/', '.').replaceAll("\\.class$", ""), true, loader);
                assertEquals(loader, c.getClassLoader(), name);
            }
            // a command built programmatically, parsed and its usage rendered, all through the rewritten classes
            Class<?> specs = Class.forName("picocli.CommandLine$Model$CommandSpec", true, loader);
            Class<?> options = Class.forName("picocli.CommandLine$Model$OptionSpec", true, loader);
            Object spec = specs.getMethod("create").invoke(null);
            specs.getMethod("name", String.class).invoke(spec, "demo");
            Object builder = options.getMethod("builder", String[].class).invoke(null, (Object) new String[] {"--count"});
            call(builder, "type", Class.class, int.class);
            call(builder, "description", String[].class, (Object) new String[] {"How many."});
            Object option = call(builder, "build", null, null);
            specs.getMethod("addOption", options).invoke(spec, option);
            Class<?> commandLine = Class.forName("picocli.CommandLine", true, loader);
            Object cli = commandLine.getConstructor(Object.class).newInstance(spec);
            commandLine.getMethod("parseArgs", String[].class).invoke(cli, (Object) new String[] {"--count", "3"});
            assertEquals(3, (int) call(option, "getValue", null, null));
            String usage = (String) commandLine.getMethod("getUsageMessage").invoke(cli);
            assertTrue(usage.contains("Usage: demo [--count=PARAM]") && usage.contains("How many."), usage);
        }
    }
    /** A public method of a public class, inherited from a package-private one (picocli's builders): made accessible. */
    private static Object call(Object target, String name, Class<?> type, Object arg) throws Exception {
        java.lang.reflect.Method m = type == null ? target.getClass().getMethod(name) : target.getClass().getMethod(name, type);
        m.setAccessible(true);
        return type == null ? m.invoke(target) : m.invoke(target, arg);
    }
}
