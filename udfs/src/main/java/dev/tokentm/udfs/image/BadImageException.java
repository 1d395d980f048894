package dev.tokentm.udfs.image;

/** An input that cannot be used as an image; the message says why, for the row's error column. */
public final class BadImageException extends Exception {

    public BadImageException(String message) {
        super(message);
    }

    public BadImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
