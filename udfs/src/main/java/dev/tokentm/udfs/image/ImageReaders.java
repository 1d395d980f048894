package dev.tokentm.udfs.image;

import javax.imageio.ImageIO;

/**
 * Registers the ImageIO readers shipped in the job jar (TwelveMonkeys). ImageIO scans for plugins
 * once, with the class loader of whichever thread got there first; on a Spark executor that may
 * not see the job jar, so the scan is repeated once with this class's loader.
 */
final class ImageReaders {

    private ImageReaders() {}

    private static final class Once {
        static {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(ImageReaders.class.getClassLoader());
            try {
                ImageIO.scanForPlugins();
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        static void touch() {}
    }

    static void registerOnce() {
        Once.touch();
    }
}
