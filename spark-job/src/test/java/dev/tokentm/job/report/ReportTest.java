package dev.tokentm.job.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokentm.job.cli.TokenTmCommand;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import nu.validator.validation.SimpleDocumentValidator;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.ParseErrorList;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * The report of a small run (one broken image): no error and no warning from the Nu Html Checker
 * (the W3C's validator, run as a library; the same checker does flag an image without alt text),
 * no parse error in jsoup, no scripts or external resources, unique ids, one metrics row per
 * method, every image an embedded PNG that decodes at its declared size, the failure listed and
 * the audit sorted. Headless Chromium's screenshot shows the table header colour over more than
 * 5,000 pixels and more than 2,000 distinct colours and 20,000 saturated pixels (the heatmaps and
 * chart lines); a measuring script finds each grid row's image and heatmaps at one top, and the
 * sample grid takes each class in turn ({@code a1, b1, c1, x1, a2, b2} for 4, 2, 1 and 1
 * unlabelled images).
 */
public class ReportTest {

    private static final Path SAMPLE = Path.of(System.getProperty("tokentm.repo.dir", "."), "data", "sample");
    private static final List<String> METHODS = List.of("tokentm", "rollout", "lrp");

    @TempDir
    static Path tmp;

    private static Path report;

    @BeforeAll
    static void run() throws Exception {
        Path corpus = tmp.resolve("corpus");
        List<String> lines = Files.readAllLines(SAMPLE.resolve("manifest.csv"));
        List<String> manifest = new java.util.ArrayList<>(lines.subList(0, 7));
        manifest.add("images/bag/broken.png,8,");
        Files.createDirectories(corpus.resolve("images/bag"));
        Files.writeString(corpus.resolve("images/bag/broken.png"), "not an image");
        for (String line : lines.subList(1, 7)) {
            for (String file : Arrays.copyOf(line.split(","), 3)) {
                if (file.contains("/")) {
                    Files.createDirectories(corpus.resolve(file).getParent());
                    Files.copy(SAMPLE.resolve(file), corpus.resolve(file));
                }
            }
        }
        Files.write(corpus.resolve("manifest.csv"), manifest);
        Path out = tmp.resolve("out");
        int code = TokenTmCommand.commandLine()
                .execute(
                        "explain",
                        "--input",
                        corpus.resolve("manifest.csv").toString(),
                        "--output",
                        out.toString(),
                        "--methods",
                        String.join(",", METHODS),
                        "--targets",
                        "predicted",
                        "--master",
                        "local[2]");
        assertEquals(0, code);
        report = out.resolve("report.html");
    }

    @Test
    void pageIsWellFormedAndSelfContained() throws Exception {
        String html = Files.readString(report);
        Parser parser = Parser.htmlParser().setTrackErrors(50);
        Document doc = Jsoup.parse(html, "", parser);
        ParseErrorList errors = parser.getErrors();
        assertTrue(errors.isEmpty(), "HTML parse errors: " + errors);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals("en", doc.selectFirst("html").attr("lang"));
        assertTrue(doc.title().startsWith("tokentm report"));
        assertTrue(doc.select("script, link, iframe").isEmpty(), "no scripts or external resources");
        Set<String> ids = new HashSet<>();
        for (Element e : doc.select("[id]")) {
            assertTrue(ids.add(e.id()), "duplicate id " + e.id());
        }

        // One metrics row per method: numbers with their interval's half-width, the sanity verdict, the cost.
        var rows = doc.select("#metrics-table tr");
        assertEquals(1 + METHODS.size(), rows.size());
        var header = rows.get(0).children();
        assertEquals("sanity", header.get(header.size() - 2).text());
        assertEquals("s/image", header.last().text());
        int metrics = header.size() - 5; // method, target, images, ..., sanity, s/image
        assertTrue(metrics >= 9, "zeroing and segmentation metrics: " + header.text());
        for (Element row : rows.subList(1, rows.size())) {
            assertTrue(METHODS.contains(row.child(0).text()), row.text());
            assertEquals("6", row.child(2).text());
            String[] cell = row.child(3).text().split(" ±");
            Double.parseDouble(cell[0]);
            assertTrue(Double.parseDouble(cell[1]) >= 0, row.child(3).text());
            assertTrue(List.of("passed", "failed")
                    .contains(row.child(row.childrenSize() - 2).text()));
            assertTrue(Double.parseDouble(row.children().last().text()) > 0, "seconds per image: " + row.text());
        }
        // Comparisons against TokenTM: a row per other method, a column per metric; the sanity table: every method.
        var comparisons = doc.select("#comparison-table tr");
        assertEquals(1 + (METHODS.size() - 1), comparisons.size());
        assertEquals(2 + metrics, comparisons.get(1).children().size());
        assertEquals(1 + METHODS.size(), doc.select("#sanity-table tr").size());
        // Metric agreement: a square of every metric measured.
        assertEquals(1 + metrics, doc.select("#agreement-table tr").size());
        // Every image is an embedded PNG that decodes: one interval chart per metric, 2 curve charts,
        // 6 samples x (1 + 3 methods), audit the same.
        var images = doc.select("img");
        assertEquals(metrics + 2 + 2 * 6 * (1 + METHODS.size()), images.size());
        for (Element img : images) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "embedded: " + src.substring(0, 30));
            BufferedImage png =
                    ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(src.substring(22))));
            assertNotNull(png);
            assertEquals(Integer.parseInt(img.attr("width")), png.getWidth());
        }
        // The failed image is listed; the per-class table has the classes of the six images.
        assertTrue(doc.select("#error-table").text().contains("not a known image format"));
        assertTrue(doc.select("#class-table tr").size() >= 2);
        // Audit images are sorted by relevance outside the object, largest first.
        var captions = doc.select("#audit ~ div.row figure:first-child figcaption");
        double previous = 101;
        for (Element c : captions) {
            String text = c.text();
            double share = Double.parseDouble(text.replaceAll(".* (\\d+)% outside.*", "$1"));
            assertTrue(share <= previous, text);
            previous = share;
        }
        assertEquals(6, captions.size());
    }

    @Test
    void nuHtmlCheckerFindsNoErrorsOrWarnings() throws Exception {
        assertEquals(List.of(), nuHtmlCheckerProblems(report));
    }

    @Test
    void nuHtmlCheckerFindsWhatAParserAccepts() throws Exception {
        // An image without alt text parses without error but is invalid: the checker must say so.
        Path page = tmp.resolve("no-alt.html");
        Files.writeString(page, "<!DOCTYPE html><html lang=\"en\"><title>x</title><p><img src=\"a.png\" width=\"2\">");
        List<String> problems = nuHtmlCheckerProblems(page);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("error 1:") && problems.get(0).contains("alt"), problems.toString());
    }

    /** Every warning and error of the Nu Html Checker (the W3C's validator) on a page, with its position. */
    /** What the Nu Html Checker says of a page, errors and warnings. */
    public static List<String> nuHtmlCheckerProblems(Path page) throws Exception {
        List<String> problems = new java.util.ArrayList<>();
        ErrorHandler collect = new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
                problems.add("warning " + describe(e));
            }

            @Override
            public void error(SAXParseException e) {
                problems.add("error " + describe(e));
            }

            @Override
            public void fatalError(SAXParseException e) {
                problems.add("fatal " + describe(e));
            }

            private String describe(SAXParseException e) {
                return e.getLineNumber() + ":" + e.getColumnNumber() + " " + e.getMessage();
            }
        };
        SimpleDocumentValidator checker = new SimpleDocumentValidator(false, false, false);
        checker.setUpMainSchema("http://s.validator.nu/html5-rdfalite.rnc", collect); // the checker's default
        checker.setUpValidatorAndParsers(collect, false, false);
        checker.checkHtmlFile(page.toFile(), true);
        return problems;
    }

    @Test
    void chromiumRendersTheTableAndHeatmaps() throws Exception {
        String chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
                .filter(ReportTest::onPath)
                .findFirst()
                .orElse(null);
        assumeTrue(chromium != null, "headless Chromium is not installed (Debian: apt-get install chromium)");
        Path shot = tmp.resolve("shot.png");
        Process p = new ProcessBuilder(
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                        "--window-size=1300,4000",
                        "--screenshot=" + shot,
                        report.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("chromium.log").toFile())
                .start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium timed out");
        BufferedImage image = ImageIO.read(shot.toFile());
        assertNotNull(image, "no screenshot: " + Files.readString(tmp.resolve("chromium.log")));
        int header = 0;
        int colourful = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb == 0x1f4e79) {
                    header++; // the metrics table's header cells
                }
                int r = rgb >> 16;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
                    colourful++; // heatmap overlays and chart lines
                }
            }
        }
        assertTrue(header > 5_000, "table header pixels: " + header);
        assertTrue(colours.size() > 2_000, "distinct colours: " + colours.size());
        assertTrue(colourful > 20_000, "saturated pixels: " + colourful);
    }

    @Test
    void chromiumLaysEachRowsImageAndHeatmapsOnOneLine() throws Exception {
        String chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
                .filter(ReportTest::onPath)
                .findFirst()
                .orElse(null);
        assumeTrue(chromium != null, "headless Chromium is not installed (Debian: apt-get install chromium)");
        // The report has no script; a copy with one measures where the browser put each row's pictures.
        Path measured = tmp.resolve("measured.html");
        Files.writeString(
                measured,
                Files.readString(report)
                        .replace(
                                "</body>",
                                """
                                <script>
                                const rows = [...document.querySelectorAll('div.row')].filter(r => r.querySelector('figure'));
                                const out = rows.map(r => [...r.querySelectorAll('figure > :first-child')]
                                    .map(e => Math.round(e.getBoundingClientRect().top)).join(','));
                                document.body.setAttribute('data-tops', out.join(';'));
                                </script></body>"""));
        Process p = new ProcessBuilder(
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--window-size=1300,4000",
                        "--dump-dom",
                        measured.toUri().toString())
                .redirectError(tmp.resolve("chromium-dom.log").toFile())
                .redirectOutput(tmp.resolve("dom.html").toFile())
                .start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium timed out");
        String tops =
                Jsoup.parse(Files.readString(tmp.resolve("dom.html"))).body().attr("data-tops");
        List<String> rows = List.of(tops.split(";"));
        assertEquals(12, rows.size(), "sample and audit rows: " + tops);
        for (String row : rows) {
            List<String> picturesTop = List.of(row.split(","));
            assertEquals(1 + METHODS.size(), picturesTop.size(), row);
            assertEquals(1, new HashSet<>(picturesTop).size(), "image and heatmaps at one height: " + row);
        }
    }

    @Test
    void theSampleGridTakesEachClassInTurn() {
        org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        String[][] images = {{"a1", "0"}, {"a2", "0"}, {"a3", "0"}, {"a4", "0"}, {"b1", "1"}, {"b2", "1"}, {"c1", "2"}};
        for (String[] image : images) {
            for (String method : METHODS) { // one row per method, as the output has
                rows.add(org.apache.spark.sql.RowFactory.create(image[0], Integer.valueOf(image[1]), method));
            }
        }
        rows.add(org.apache.spark.sql.RowFactory.create("x1", null, "tokentm"));
        var schema = new org.apache.spark.sql.types.StructType()
                .add("image_id", "string")
                .add("label", "int")
                .add("method", "string");
        var frame = spark.createDataFrame(rows, schema);
        assertEquals(List.of("a1", "b1", "c1", "x1", "a2", "b2"), RunResults.spreadOfClasses(frame, 6));
        assertEquals(List.of("a1", "b1"), RunResults.spreadOfClasses(frame, 2));
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
