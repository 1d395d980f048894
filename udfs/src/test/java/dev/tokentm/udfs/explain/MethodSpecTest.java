package dev.tokentm.udfs.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Method specs: parsing, list splitting, one-line errors naming the method and parameter,
 * canonical specs round-tripping.
 */
class MethodSpecTest {

    @Test
    void parsesNamesAndParametersInOrder() {
        MethodSpec spec = MethodSpec.parse(" bt-h( first-block = 3, steps=20 ) ");
        assertEquals("bt-h", spec.name());
        assertEquals(Map.of("first-block", "3", "steps", "20"), spec.arguments());
        assertEquals(
                List.of("first-block", "steps"), List.copyOf(spec.arguments().keySet()));
        assertEquals("bt-h(first-block=3,steps=20)", spec.toString());
        assertEquals("gae", MethodSpec.parse("gae").toString());
        assertEquals("gae", MethodSpec.parse("gae()").toString());
    }

    @Test
    void splitsListsOnlyBetweenSpecs() {
        assertEquals(
                List.of("gae", "bt-h(first-block=3,steps=20)", "shapley(samples=2048)", "rollout"),
                MethodSpec.splitList("gae,bt-h(first-block=3,steps=20), shapley(samples=2048),rollout"));
        assertEquals(List.of("a", "b(x=1,y=2)", "c"), List.of("a,b(x=1,y=2),c".split(MethodSpec.LIST_SEPARATOR)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "bt-h(steps=20|bad method spec 'bt-h(steps=20': parameters go in one pair of parentheses at the end",
                "Gae|bad method spec 'Gae': a method name is lowercase letters, digits and '-'",
                "gae(steps)|bad method spec 'gae(steps)': each parameter is key=value, got 'steps'",
                "ig(steps=1,steps=2)|bad method spec 'ig(steps=1,steps=2)': parameter 'steps' is given twice",
                "gae(x=(1))|bad method spec 'gae(x=(1))': parameters go in one pair of parentheses at the end",
            })
    void malformedSpecsFailWithOneLine(String spec, String message) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse(spec))
                        .getMessage());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "integrated-gradients(steps=x)|method 'integrated-gradients': parameter 'steps' must be an integer,"
                        + " got 'x'",
                "integrated-gradients(steps=0)|method 'integrated-gradients': parameter 'steps' must be at least 1,"
                        + " got 0",
                "integrated-gradients(stepz=4)|method 'integrated-gradients' has no parameter 'stepz'; its parameters:"
                        + " steps, resolution",
                "gae(steps=4)|method 'gae' has no parameter 'steps' (it takes none)",
            })
    void badParametersNameTheMethodAndTheParameter(String spec, String message) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get(spec))
                        .getMessage());
    }

    @Test
    void canonicalSpecsDropDefaultsAndRoundTrip() {
        assertEquals("integrated-gradients", ExplainerRegistry.canonical("integrated-gradients(steps=32)"));
        assertEquals("integrated-gradients(steps=8)", ExplainerRegistry.canonical("integrated-gradients( steps=8 )"));
        for (String name : ExplainerRegistry.names()) {
            assertEquals(name, ExplainerRegistry.canonical(name));
        }
    }
}
