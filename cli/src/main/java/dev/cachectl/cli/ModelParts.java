package dev.cachectl.cli;

import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.IScope;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * What {@link ModelTable} builds a command's picocli model from: options, parameters, mixins and argument groups
 * bound to the fields their annotations are on, found by name, so that a run reads no annotation.
 */
final class ModelParts {
    private ModelParts() {
    }

    /** The object that fields belong to, and its class; an argument group's changes to each instance picocli makes of it. */
    static final class Scope implements IScope {
        private final Class<?> type;
        private Object instance;

        private Scope(Class<?> type, Object instance) {
            this.type = type;
            this.instance = instance;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) instance;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = (T) instance;
            instance = value;
            return old;
        }

        Field field(String name) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("ModelTable names field " + type.getName() + "." + name + ", which is not there: "
                        + "run 'mvn test -Dtest=ModelTableTest -Dcachectl.regenerate=true' in cli/", e);
            }
        }
    }

    /** A field of the object in a scope, read and written as picocli reads and writes an annotated one. */
    private static final class FieldBinding implements IGetter, ISetter {
        private final Scope scope;
        private final Field field;

        FieldBinding(Scope scope, String name) {
            this.scope = scope;
            this.field = scope.field(name);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() throws IllegalAccessException {
            return (T) field.get(scope.get());
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) throws IllegalAccessException {
            Object old = field.get(scope.get());
            field.set(scope.get(), value);
            return (T) old;
        }

        /** The value now, to which picocli resets the field before each parse, as it does an annotated one. */
        Object current() {
            try {
                return scope.get() == null ? null : field.get(scope.get());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The scope of a command object. */
    static Scope scope(Object command) {
        return new Scope(command.getClass(), command);
    }

    /** The scope of an argument group's fields: of the group's type, with no instance until picocli makes one. */
    static Scope member(Scope owner, String field) {
        return new Scope(owner.field(field).getType(), null);
    }

    /** The scope of the mixin in field {@code field}, made with its no-argument constructor when the field is null. */
    static Scope mixin(Scope owner, String field) {
        FieldBinding binding = new FieldBinding(owner, field);
        try {
            Object mixin = binding.get();
            if (mixin == null) {
                Constructor<?> constructor = binding.field.getType().getDeclaredConstructor();
                constructor.setAccessible(true);
                mixin = constructor.newInstance();
                binding.set(mixin);
            }
            return new Scope(binding.field.getType(), mixin);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make the mixin in " + binding.field, e);
        }
    }

    /** An option bound to field {@code field} of the scope's object. */
    static OptionSpec.Builder option(Scope scope, String field, String... names) {
        FieldBinding binding = new FieldBinding(scope, field);
        return OptionSpec.builder(names).getter(binding).setter(binding).scope(scope).userObject(binding.field)
                .initialValue(binding.current());
    }

    /** A positional parameter bound to field {@code field} of the scope's object. */
    static PositionalParamSpec.Builder positional(Scope scope, String field) {
        FieldBinding binding = new FieldBinding(scope, field);
        return PositionalParamSpec.builder().getter(binding).setter(binding).scope(scope).userObject(binding.field)
                .initialValue(binding.current());
    }

    /**
     * The argument group in field {@code field} of the owner: when one of its arguments is matched, picocli makes an
     * instance of the field's type, sets the field to it and points {@code members} (its arguments' scope) to it.
     */
    static ArgGroupSpec.Builder group(Scope owner, String field, Scope members) {
        FieldBinding binding = new FieldBinding(owner, field);
        // picocli's own type information for a field of that type
        return ArgGroupSpec.builder().typeInfo(OptionSpec.builder("-t").type(binding.field.getType()).build().typeInfo())
                .getter(binding).setter(binding).scope(members);
    }

    /** The {@code -h, --help} and {@code -V, --version} options that {@code mixinStandardHelpOptions} adds. */
    static void standardHelpOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class).paramLabel("<helpRequested>")
                .initialValue(false).description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class).paramLabel("<versionRequested>")
                .initialValue(false).description("Print version information and exit.").build());
    }

    /** Sets field {@code field} of {@code target}: its {@code @Spec} or {@code @ParentCommand}. */
    static void inject(Object target, String field, Object value) {
        try {
            new FieldBinding(scope(target), field).set(value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
