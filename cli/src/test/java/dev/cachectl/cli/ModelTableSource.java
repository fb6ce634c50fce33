package dev.cachectl.cli;

import dev.cachectl.Cachectl;
import dev.cachectl.Environment;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes {@code ModelTable.java}: the picocli model of every command, read from their annotations, as calls to
 * picocli's programmatic API. What a run parses and executes with; the annotations stay the one source of it, and
 * help, completion and man pages still read them. {@link ModelTableTest} checks that the file is what this writes.
 */
final class ModelTableSource {
    static final Path FILE = Path.of("src/main/java/dev/cachectl/cli/ModelTable.java");

    private final StringBuilder out = new StringBuilder();
    private int scopes;

    private ModelTableSource() {
    }

    /** The whole command tree of the annotations, as help builds it. */
    static CommandLine annotated() {
        return Cachectl.commandLine(new Environment(Map.of(), Path.of("")), Ansi.OFF, "--help");
    }

    static String generate() {
        ModelTableSource source = new ModelTableSource();
        return source.file(annotated());
    }

    private String file(CommandLine root) {
        out.append("""
                package dev.cachectl.cli;

                import picocli.CommandLine.Model.CommandSpec;
                import picocli.CommandLine.ScopeType;

                import static dev.cachectl.cli.ModelParts.group;
                import static dev.cachectl.cli.ModelParts.inject;
                import static dev.cachectl.cli.ModelParts.member;
                import static dev.cachectl.cli.ModelParts.mixin;
                import static dev.cachectl.cli.ModelParts.option;
                import static dev.cachectl.cli.ModelParts.positional;
                import static dev.cachectl.cli.ModelParts.scope;
                import static dev.cachectl.cli.ModelParts.standardHelpOptions;

                /**
                 * GENERATED from the commands' picocli annotations by ModelTableSource (a test class): do not edit. After a change
                 * to an option, run {@code mvn test -Dtest=ModelTableTest -Dcachectl.regenerate=true} in cli/ to write it again.
                 * <p>
                 * Every command's model built with picocli's programmatic API, which a run uses instead of the annotations:
                 * picocli reads an annotation through a proxy class that the JDK generates on each run (one per annotation type),
                 * and building a command's model from them was a third of a {@code status}. Help, completion and the man pages
                 * still read the annotations; {@code ModelTableTest} checks that both models parse alike.
                 */
                final class ModelTable {
                    private ModelTable() {
                    }

                    /** The model of {@code command} (the root's, or a subcommand's made by {@code CachectlCommand.newSubcommand}). */
                    static CommandSpec of(Object command, CachectlCommand root) {
                        return switch (command.getClass().getName()) {
                """);
        List<CommandSpec> specs = new ArrayList<>();
        specs.add(root.getCommandSpec());
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!(sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand)) {
                specs.add(sub.getCommandSpec());
            }
        }
        for (CommandSpec spec : specs) {
            Class<?> type = spec.userObject().getClass();
            out.append("            case \"").append(type.getName()).append("\" -> ").append(method(spec)).append("((")
                    .append(name(type)).append(") command, root);\n");
        }
        out.append("""
                            default -> throw new IllegalArgumentException("no model of " + command.getClass().getName() + " in ModelTable");
                        };
                    }
                """);
        for (CommandSpec spec : specs) {
            command(spec);
        }
        out.append("}\n");
        return out.toString();
    }

    private static String method(CommandSpec spec) {
        return spec.parent() == null ? "root" : camel(spec.name());
    }

    private static String camel(String name) {
        StringBuilder s = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                s.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return s.toString();
    }

    private void command(CommandSpec spec) {
        Class<?> type = spec.userObject().getClass();
        scopes = 0;
        out.append("\n    private static CommandSpec ").append(method(spec)).append("(").append(name(type))
                .append(" command, CachectlCommand root) {\n");
        out.append("        ModelParts.Scope s = scope(command);\n");
        out.append("        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);\n");
        out.append("        spec.name(").append(literal(spec.name())).append(");\n");
        if (spec.aliases().length > 0) {
            throw new IllegalStateException("aliases are not in ModelTable yet: " + spec.name());
        }
        if (spec.usageMessage().hidden()) {
            out.append("        spec.usageMessage().hidden(true);\n");
        }
        if (spec.versionProvider() != null) {
            out.append("        spec.versionProvider(new ").append(name(spec.versionProvider().getClass())).append("());\n");
        }
        Set<Object> done = new HashSet<>();
        for (ArgSpec arg : spec.args()) {
            if (arg.inherited()) {
                continue; // picocli adds the parent's to the subcommand
            }
            Field field = (Field) arg.userObject();
            CommandSpec mixin = mixinOf(spec, field);
            if (field.getDeclaringClass().getName().equals("picocli.CommandLine$AutoHelpMixin")) {
                if (done.add("help")) {
                    out.append("        standardHelpOptions(spec);\n");
                }
            } else if (arg.group() != null) {
                if (done.add(arg.group())) {
                    group(arg.group(), type);
                }
            } else if (mixin != null) {
                if (done.add(mixin)) {
                    mixin(spec, mixin);
                }
            } else {
                out.append("        spec.add").append(arg.isOption() ? "Option(" : "Positional(").append(arg(arg, "s", false))
                        .append(");\n");
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (field.isAnnotationPresent(Spec.class)) {
                out.append("        inject(command, ").append(literal(field.getName())).append(", spec);\n");
            }
            if (field.isAnnotationPresent(ParentCommand.class)) {
                if (field.getType() != CachectlCommand.class) {
                    throw new IllegalStateException("a @ParentCommand that is not the root: " + field);
                }
                out.append("        inject(command, ").append(literal(field.getName())).append(", root);\n");
            }
        }
        out.append("        return spec;\n    }\n");
    }

    private static CommandSpec mixinOf(CommandSpec spec, Field field) {
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject().getClass() == field.getDeclaringClass()) {
                return mixin;
            }
        }
        return null;
    }

    private void mixin(CommandSpec spec, CommandSpec mixin) {
        String name = spec.mixins().entrySet().stream().filter(e -> e.getValue() == mixin).findFirst().orElseThrow().getKey();
        Class<?> owner = spec.userObject().getClass();
        Field field = annotatedField(owner, Mixin.class, mixin.userObject().getClass());
        String scope = "m" + ++scopes;
        String specName = "mixin" + scopes;
        out.append("        ModelParts.Scope ").append(scope).append(" = mixin(s, ").append(literal(field.getName())).append(");\n");
        out.append("        CommandSpec ").append(specName).append(" = CommandSpec.wrapWithoutInspection(").append(scope)
                .append(".get());\n");
        for (ArgSpec arg : mixin.args()) {
            out.append("        ").append(specName).append(".add").append(arg.isOption() ? "Option(" : "Positional(")
                    .append(arg(arg, scope, false)).append(");\n");
        }
        out.append("        spec.addMixin(").append(literal(name)).append(", ").append(specName).append(");\n");
    }

    /** The group, added to the command's {@code spec}, its fields in a scope of their own. */
    private void group(ArgGroupSpec group, Class<?> owner) {
        String indent = "        ";
        if (!group.subgroups().isEmpty()) {
            throw new IllegalStateException("nested argument groups are not in ModelTable yet");
        }
        Field field = annotatedField(owner, ArgGroup.class, group.typeInfo().getType());
        String scope = "g" + ++scopes;
        out.append(indent).append("ModelParts.Scope ").append(scope).append(" = member(s, ")
                .append(literal(field.getName())).append(");\n");
        out.append(indent).append("spec.addArgGroup(group(s, ").append(literal(field.getName()))
                .append(", ").append(scope).append(")");
        out.append(".exclusive(").append(group.exclusive()).append(")");
        out.append(".multiplicity(").append(literal(group.multiplicity().originalValue())).append(")");
        if (!group.validate()) {
            out.append(".validate(false)");
        }
        for (ArgSpec arg : group.args()) {
            out.append("\n").append(indent).append("        .addArg(").append(arg(arg, scope, true)).append(")");
        }
        out.append("\n").append(indent).append("        .build());\n");
    }

    private static Field annotatedField(Class<?> owner, Class<? extends java.lang.annotation.Annotation> annotation, Class<?> type) {
        for (Field field : owner.getDeclaredFields()) {
            if (field.isAnnotationPresent(annotation) && field.getType() == type) {
                return field;
            }
        }
        throw new IllegalStateException("no @" + annotation.getSimpleName() + " field of " + type + " in " + owner);
    }

    /** A builder expression for the option or positional parameter. */
    private static String arg(ArgSpec arg, String scope, boolean inGroup) {
        Field field = (Field) arg.userObject();
        StringBuilder s = new StringBuilder();
        if (arg.isOption()) {
            OptionSpec option = (OptionSpec) arg;
            s.append("option(").append(scope).append(", ").append(literal(field.getName()));
            for (String name : option.names()) {
                s.append(", ").append(literal(name));
            }
            s.append(")");
        } else {
            PositionalParamSpec positional = (PositionalParamSpec) arg;
            s.append("positional(").append(scope).append(", ").append(literal(field.getName())).append(")");
            if (!positional.index().isUnspecified()) {
                s.append(".index(").append(literal(positional.index().originalValue())).append(")");
            }
        }
        s.append(".paramLabel(").append(literal(arg.paramLabel())).append(")");
        if (arg.hideParamSyntax()) {
            s.append(".hideParamSyntax(true)");
        }
        if (!arg.arity().isUnspecified()) {
            s.append(".arity(").append(literal(arg.arity().originalValue())).append(")");
        }
        s.append(".type(").append(name(arg.type())).append(".class)");
        Class<?>[] aux = arg.auxiliaryTypes();
        if (!(aux.length == 1 && aux[0] == arg.type())) {
            s.append(".auxiliaryTypes(").append(java.util.Arrays.stream(aux).map(c -> name(c) + ".class")
                    .collect(Collectors.joining(", "))).append(")");
        }
        boolean required = inGroup ? originallyRequired(field) : arg.required();
        if (required) {
            s.append(".required(true)");
        }
        if (arg.defaultValue() != null) {
            s.append(".defaultValue(").append(literal(arg.defaultValue())).append(")");
        }
        if (!arg.splitRegex().isEmpty()) {
            s.append(".splitRegex(").append(literal(arg.splitRegex())).append(")");
        }
        if (!arg.splitRegexSynopsisLabel().isEmpty()) {
            s.append(".splitRegexSynopsisLabel(").append(literal(arg.splitRegexSynopsisLabel())).append(")");
        }
        if (arg.scopeType() == CommandLine.ScopeType.INHERIT) {
            s.append(".scopeType(ScopeType.INHERIT)");
        }
        if (arg.hidden()) {
            s.append(".hidden(true)");
        }
        if (arg.converters().length > 0) {
            s.append(".converters(").append(java.util.Arrays.stream(arg.converters()).map(c -> "new " + name(c.getClass()) + "()")
                    .collect(Collectors.joining(", "))).append(")");
        }
        if (arg.isOption()) {
            OptionSpec option = (OptionSpec) arg;
            if (option.negatable()) {
                s.append(".negatable(true)");
            }
            if (!option.fallbackValue().isEmpty()) {
                s.append(".fallbackValue(").append(literal(option.fallbackValue())).append(")");
            }
            if (option.usageHelp() || option.versionHelp() || option.interactive()) {
                throw new IllegalStateException("help, version and interactive options are not in ModelTable yet: " + option);
            }
        }
        if (arg.parameterConsumer() != null) {
            throw new IllegalStateException("parameter consumers are not in ModelTable yet: " + field);
        }
        if (inGroup) {
            // the group's fields keep what a new instance of it starts with, as picocli does for annotated ones
            s.append(".hasInitialValue(false)");
        }
        return s.append(".build()").toString();
    }

    /** Whether the annotation says so: picocli makes every argument of an exclusive group required itself. */
    private static boolean originallyRequired(Field field) {
        Option option = field.getAnnotation(Option.class);
        return option != null && option.required();
    }

    private static String name(Class<?> type) {
        if (type.isPrimitive()) {
            return type.getName();
        }
        if (type.getPackageName().equals("java.lang")) {
            return type.getSimpleName();
        }
        return type.getCanonicalName().replace("dev.cachectl.cli.", "");
    }

    private static String literal(String value) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
