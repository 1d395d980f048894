package dev.tokentm.udfs.checkpoint;

/** A checkpoint that cannot be used, with a message that says why and what to do. */
public class CheckpointException extends IllegalArgumentException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
