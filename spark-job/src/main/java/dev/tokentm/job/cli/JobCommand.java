package dev.tokentm.job.cli;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.audit.AuditSettings;
import dev.tokentm.job.input.ClassNames;
import dev.tokentm.job.input.CommittedSample;
import dev.tokentm.job.input.InputFormat;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.report.HtmlReport;
import dev.tokentm.job.run.ExplainJob;
import dev.tokentm.job.run.SanityStage;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.spark.ExplainSettings;
import dev.tokentm.udfs.spark.VitExplainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The explain job as a command: where the images and the model are, what to run, where the output
 * goes. {@link ExplainCommand} runs it as asked; {@link StudyCommand} picks TokenTM's readings. Each
 * subclass names its command and gives its defaults; every option's default is its field's initial
 * value ({@link InitialValues}).
 */
public abstract class JobCommand implements Callable<Integer> {

    /**
     * @param defaults what to explain and measure unless told otherwise
     * @param output where the output goes unless told otherwise
     */
    protected JobCommand(ExplainSettings defaults, String output) {
        this.explain = new ExplainOptions(defaults);
        this.output = output;
        this.threads = defaults.threads();
        this.maxMegapixels = (int) (defaults.limits().maxPixels() / 1_000_000L);
        this.bootstrap = Bootstrap.defaults().replicates();
        this.sanityImages = SanityStage.DEFAULT_IMAGES;
    }

    @Option(
            names = "--input",
            description = "Image folder, manifest (.csv / Parquet) or Parquet dataset with image "
                    + "bytes; local, hdfs:// or s3a://. Default with bin/tokentm: the committed sample.")
    String input;

    @Option(names = "--format", description = "image-folder, manifest or parquet-bytes (default: guessed).")
    String format;

    @Option(names = "--output", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(
            names = "--model",
            description = "safetensors checkpoint or a folder with model.safetensors (timm or Hugging Face, "
                    + "config.json beside it or none). Default: the embedded model.")
    String model;

    @Option(
            names = "--model-config",
            description = "Architecture JSON for the checkpoint (timm or Hugging Face config.json, or timm keys, "
                    + "some or all: {\"num_heads\": 16}).")
    String modelConfig;

    @Option(
            names = "--class-names",
            description = "Text file with the model's class names in order, one per line, or ImageNet's "
                    + "LOC_synset_mapping.txt (overrides the model's).")
    Path classNames;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "Spark partitions (0: 4 per core while each gets a full batch, at most 256 images each). "
                    + "Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--threads",
            description = "PyTorch threads per task (0: spark.task.cpus). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--limit", defaultValue = "0", description = "Explain only this many images (0: all).")
    int limit;

    @Option(
            names = "--image-column",
            defaultValue = "image",
            description = "Parquet datasets: image column. Default: ${DEFAULT-VALUE}.")
    String imageColumn;

    @Option(
            names = "--path-column",
            defaultValue = "path",
            description = "Manifests: path column. Default: ${DEFAULT-VALUE}.")
    String pathColumn;

    @Option(
            names = "--label-column",
            defaultValue = "label",
            description = "Label column (index or class name). Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(
            names = "--mask-column",
            defaultValue = "mask_path",
            description = "Manifests: mask path column. Default: ${DEFAULT-VALUE}.")
    String maskColumn;

    @Option(names = "--masks", description = "Image folders: a directory of object masks mirroring the image tree.")
    String masks;

    @Option(names = "--max-megapixels", description = "Larger images become error rows. Default: ${DEFAULT-VALUE}.")
    int maxMegapixels;

    @Option(
            names = "--bootstrap",
            description = "Bootstrap replicates for the confidence intervals (0: none). Default: ${DEFAULT-VALUE}.")
    int bootstrap;

    @Option(
            names = "--sanity-images",
            description = "Images (a seeded sample of the input) the sanity checks explain. Default: ${DEFAULT-VALUE}.")
    int sanityImages;

    @Option(
            names = "--report",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Write report.html next to the Parquet output (--no-report to skip). Default: ${DEFAULT-VALUE}.")
    boolean report;

    @Option(
            names = "--audit",
            description = "After the metrics, audit the corpus: strategies per class, shortcut candidates and their "
                    + "causal tests (see `audit --help`; its options apply).")
    boolean runAudit;

    @Mixin
    AuditOptions audit;

    @Mixin
    ExplainOptions explain;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        String location = input;
        if (location == null) {
            location = CommittedSample.location();
            if (location == null) {
                throw new IllegalArgumentException("name the images with --input");
            }
            System.out.println("tokentm: no --input, explaining the committed sample " + location);
        }
        InputSpec spec = new InputSpec(
                location,
                format == null ? null : InputFormat.parse(format),
                imageColumn,
                pathColumn,
                labelColumn,
                maskColumn,
                masks,
                limit);
        VitExplainer explainer = explain.applyTo(new VitExplainer())
                .setModelUrl(model)
                .setModelConfigUrl(modelConfig)
                .setThreads(threads)
                .setMaxMegapixels(maxMegapixels);
        if (classNames != null) {
            explainer.setClassNames(ClassNames.fromLines(Files.readAllLines(classNames, StandardCharsets.UTF_8))
                    .toArray(String[]::new));
        }
        // Bad options, and what the model cannot run, fail here, before Spark starts.
        boolean classifier =
                ExplainJob.checkedModel(explainer.settings()).model().config().hasClassifier();
        Bootstrap intervals = new Bootstrap(bootstrap, explain.seed());
        if (sanityImages < 1) {
            throw new IllegalArgumentException("--sanity-images must be at least 1, got " + sanityImages);
        }
        explainer = choose(explainer);
        AuditSettings auditSettings = runAudit ? audit.settings(intervals) : null;
        if (auditSettings != null && !classifier) {
            throw new IllegalArgumentException(
                    "the audit groups images by class and tests a class score; the model has "
                            + "no classifier (a backbone such as DINO's): run it without --audit");
        }
        if (auditSettings != null
                && !explainer.settings().methods().contains(ExplainerRegistry.canonical(auditSettings.method()))) {
            throw new IllegalArgumentException("--audit-method " + auditSettings.method() + " is not among --methods "
                    + String.join(",", explainer.settings().methods()));
        }
        try (SparkSession spark = sparkOptions.open("tokentm " + name())) {
            ExplainJob.Result result = new ExplainJob(spark, System.out)
                    .run(new ExplainJob.Plan(
                            spec, explainer, output, partitions, intervals, sanityImages, auditSettings));
            RunOutput written = new RunOutput(spark, output);
            finish(written, result);
            if (report) {
                System.out.println("report: " + HtmlReport.write(spark, written));
            }
        }
        return 0;
    }

    /** The command's name, for Spark's application name. */
    protected abstract String name();

    /**
     * The transformer that runs, given one with every option set and checked; a command that picks
     * its own methods sets them here.
     */
    protected VitExplainer choose(VitExplainer explainer) {
        return explainer;
    }

    /** What a command adds after the job, before the report. */
    protected void finish(RunOutput output, ExplainJob.Result result) {}
}
