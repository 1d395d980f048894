package dev.tokentm.udfs.explain;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A spec's parameters as one method reads them: each read names its default, and the errors name
 * the method and the parameter. After the method has read what it knows, {@link #checkAllRead}
 * refuses the rest.
 */
public final class MethodArguments {

    private final MethodSpec spec;
    private final Set<String> read = new LinkedHashSet<>();

    public MethodArguments(MethodSpec spec) {
        this.spec = spec;
    }

    /** An integer parameter. */
    public int integer(String key, int defaultValue) {
        String v = value(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(key, "must be an integer, got '" + v + "'");
        }
    }

    /** A 64-bit integer parameter (seeds). */
    public long longInteger(String key, long defaultValue) {
        String v = value(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(key, "must be an integer, got '" + v + "'");
        }
    }

    /** A real parameter. */
    public double real(String key, double defaultValue) {
        String v = value(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(key, "must be a finite number, got '" + v + "'");
        }
    }

    /**
     * A list of integers written with '+' between them ({@code blocks=3+6+9}); empty when absent.
     */
    public List<Integer> integers(String key) {
        String v = value(key);
        if (v == null) {
            return List.of();
        }
        try {
            return Arrays.stream(v.split("\\+", -1)).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw bad(key, "must be integers joined by '+' (3+6+9), got '" + v + "'");
        }
    }

    /** How {@link #integers} reads a list back: '+' between the values, "" for none. */
    public static String spell(List<Integer> values) {
        return String.join("+", values.stream().map(String::valueOf).toList());
    }

    /** A parameter taken as written (a file location). */
    public String text(String key, String defaultValue) {
        String v = value(key);
        return v == null ? defaultValue : v;
    }

    /** A true/false parameter. */
    public boolean flag(String key, boolean defaultValue) {
        String v = value(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, "must be true or false, got '" + v + "'");
        };
    }

    /** One of a fixed set of words. */
    public String choice(String key, String defaultValue, List<String> allowed) {
        String v = value(key);
        if (v == null) {
            return defaultValue;
        }
        if (!allowed.contains(v)) {
            throw bad(key, "must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        }
        return v;
    }

    /**
     * One of an enum's constants, each spelled as its {@link MethodSpec#word} ({@code
     * ATTENTION_AFTER} as {@code attention-after}).
     */
    public <E extends Enum<E>> E choice(String key, E defaultValue) {
        E[] constants = defaultValue.getDeclaringClass().getEnumConstants();
        List<String> words = Arrays.stream(constants).map(MethodSpec::word).toList();
        String v = choice(key, MethodSpec.word(defaultValue), words);
        return constants[words.indexOf(v)];
    }

    /** Refuses any parameter the method did not read, listing those it knows. */
    public void checkAllRead() {
        for (String key : spec.arguments().keySet()) {
            if (!read.contains(key)) {
                throw new IllegalArgumentException("method '" + spec.name() + "' has no parameter '" + key + "'"
                        + (read.isEmpty() ? " (it takes none)" : "; its parameters: " + String.join(", ", read)));
            }
        }
    }

    /** An error about one parameter's value. */
    public IllegalArgumentException bad(String key, String why) {
        return new IllegalArgumentException("method '" + spec.name() + "': parameter '" + key + "' " + why);
    }

    private String value(String key) {
        read.add(key);
        return spec.arguments().get(key);
    }
}
