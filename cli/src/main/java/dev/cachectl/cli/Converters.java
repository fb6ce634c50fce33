package dev.cachectl.cli;

import dev.cachectl.util.Durations;
import dev.cachectl.util.Sizes;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** Durations ({@code 30s}, {@code 15m}) and sizes ({@code 256mb}) as operators write them. */
public final class Converters {

    private Converters() {
    }

    public static void register(CommandLine cli) {
        cli.registerConverter(Duration.class, new DurationConverter());
    }

    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** For {@code long} options that take a size: {@code @Option(converter = SizeConverter.class)}. */
    public static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Sizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
