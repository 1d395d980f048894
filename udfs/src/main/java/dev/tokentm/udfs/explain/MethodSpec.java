package dev.tokentm.udfs.explain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A method named with its parameters, {@code name(key=value,...)}, as the command line, {@code
 * VitExplainer} and the output's {@code method} column spell it: {@code bt-h(first-block=3,steps=20)}.
 * The canonical form ({@link #toString}) lists only parameters that differ from their defaults, in
 * the method's order, so one method has one spelling in every output.
 *
 * @param name the registered method name
 * @param arguments the parameters as written, in order
 */
public record MethodSpec(String name, Map<String, String> arguments) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /** Numbers, words, '+'-joined lists and file locations ({@code s3a://bucket/explainer.safetensors}). */
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9.+_~%/:-]+");

    /** Commas between specs, not those inside a spec's parentheses. */
    public static final String LIST_SEPARATOR = ",(?![^()]*\\))";

    public MethodSpec {
        Objects.requireNonNull(name, "name");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** A spec without parameters. */
    public static MethodSpec named(String name) {
        return new MethodSpec(name, Map.of());
    }

    /**
     * Parses {@code name} or {@code name(key=value, ...)}; spaces around names and values are
     * ignored.
     *
     * @throws IllegalArgumentException naming the spec and what is wrong with it
     */
    public static MethodSpec parse(String text) {
        String spec = text.strip();
        int open = spec.indexOf('(');
        String name = (open < 0 ? spec : spec.substring(0, open)).strip();
        if (!NAME.matcher(name).matches()) {
            throw bad(text, "a method name is lowercase letters, digits and '-'");
        }
        Map<String, String> arguments = new LinkedHashMap<>();
        if (open >= 0) {
            if (!spec.endsWith(")") || spec.indexOf('(', open + 1) >= 0 || spec.indexOf(')') != spec.length() - 1) {
                throw bad(text, "parameters go in one pair of parentheses at the end");
            }
            String inside = spec.substring(open + 1, spec.length() - 1).strip();
            if (!inside.isEmpty()) {
                for (String part : inside.split(",", -1)) {
                    int eq = part.indexOf('=');
                    String key = eq < 0 ? part.strip() : part.substring(0, eq).strip();
                    String value = eq < 0 ? "" : part.substring(eq + 1).strip();
                    if (eq < 0
                            || !NAME.matcher(key).matches()
                            || !VALUE.matcher(value).matches()) {
                        throw bad(text, "each parameter is key=value, got '" + part.strip() + "'");
                    }
                    if (arguments.put(key, value) != null) {
                        throw bad(text, "parameter '" + key + "' is given twice");
                    }
                }
            }
        }
        return new MethodSpec(name, arguments);
    }

    /** The specs of a comma-separated list ({@code gae,bt-h(first-block=3,steps=20)}). */
    public static List<String> splitList(String text) {
        List<String> specs = new ArrayList<>();
        for (String s : text.split(LIST_SEPARATOR)) {
            if (!s.isBlank()) {
                specs.add(s.strip());
            }
        }
        return specs;
    }

    /** This spec with one more parameter, unless its value is the default; enums as their {@link #word}. */
    public MethodSpec with(String key, Object value, Object defaultValue) {
        if (Objects.equals(value, defaultValue)) {
            return this;
        }
        Map<String, String> more = new LinkedHashMap<>(arguments);
        more.put(key, value instanceof Enum<?> e ? word(e) : String.valueOf(value));
        return new MethodSpec(name, more);
    }

    /** How a spec spells an enum constant: lower case, words joined by '-'. */
    public static String word(Enum<?> constant) {
        return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        if (arguments.isEmpty()) {
            return name;
        }
        StringBuilder s = new StringBuilder(name).append('(');
        arguments.forEach((k, v) -> s.append(k).append('=').append(v).append(','));
        s.setCharAt(s.length() - 1, ')');
        return s.toString();
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad method spec '" + text.strip() + "': " + why);
    }
}
