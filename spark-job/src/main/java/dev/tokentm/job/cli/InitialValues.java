package dev.tokentm.job.cli;

import java.util.Collection;
import java.util.stream.Collectors;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Options' defaults are their fields' initial values, which each command sets from its typed
 * defaults ({@link ExplainOptions#ExplainOptions(dev.tokentm.udfs.spark.ExplainSettings)}). picocli
 * shows a list's initial value as {@code [a, b]}; this shows it as it is typed, {@code a,b}.
 */
public final class InitialValues implements IDefaultValueProvider {

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec.initialValue() instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return null; // picocli shows the initial value as it is
    }
}
