package dev.cachectl.cli;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The build's step after the shaded jar, not a command: {@code mvn package} runs it as
 * {@code java -cp CLASSPATH dev.cachectl.cli.OldClassUpgrade target/cachectl.jar} (left out of the jar,
 * like ManPages). It rewrites every class of the jar compiled for Java 5 or 6 (picocli's: class file
 * version 49) as a Java 8 class with stack map frames, computed by ASM; the code is unchanged.
 * <p>
 * Why: JDK 17 verifies such an old class with the old type-inferencing verifier at every run, even
 * when it comes from the class-data archive, and leaves it out of the archive once the dump has had
 * to link it. picocli builds every command's model, so its classes are in every run: as Java 8
 * classes they are verified once, when the archive is dumped.
 */
public final class OldClassUpgrade {
    /** Java 6's class file version: older ones have no stack map frames. */
    private static final int FIRST_WITH_FRAMES = 50;

    private OldClassUpgrade() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: OldClassUpgrade JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        int upgraded = upgradeJar(jar);
        System.out.println("upgraded " + upgraded + " classes of " + jar + " to Java 8 class files");
    }

    /** Rewrites {@code jar} in place (through a temporary file and a rename); the number of classes upgraded. */
    static int upgradeJar(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int upgraded = 0;
        // the jar's own classes, for the common superclass of two types where frames merge
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             ZipFile in = new ZipFile(jar.toFile());
             OutputStream file = Files.newOutputStream(tmp);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream content = in.getInputStream(entry)) {
                    bytes = content.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/") && version(bytes) < FIRST_WITH_FRAMES) {
                    bytes = upgrade(bytes, loader);
                    upgraded++;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return upgraded;
    }

    /** The major version of a class file. */
    static int version(byte[] classFile) {
        return classFile.length < 8 ? Integer.MAX_VALUE : ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    /** The same class as a Java 8 class file, with frames computed (types resolved through {@code loader}). */
    static byte[] upgrade(byte[] classFile, ClassLoader loader) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return loader;
            }
        };
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
