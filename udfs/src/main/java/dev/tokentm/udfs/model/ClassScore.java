package dev.tokentm.udfs.model;

/**
 * Which function of the target class's output a trace differentiates. Most gradient methods
 * take the logit; some implementations (LibraGrad's re-implementation of TokenTM among them) take
 * the softmax probability, whose gradient also pushes down the competing classes.
 */
public enum ClassScore {
    /** The class's logit. */
    LOGIT,
    /** The class's softmax probability over all classes. */
    PROBABILITY
}
