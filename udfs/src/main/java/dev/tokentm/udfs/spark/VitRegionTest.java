package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.table.RegionTestTable;
import java.util.EnumSet;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML {@code Transformer} for a causal test of a region of the frame: each input row names an
 * image, a class and a region (cells of a {@code regionGrid × regionGrid} frame), and the model
 * classifies the image as it is and with the region removed by a protocol's removal (ROAD's noisy
 * linear imputation or a blurred copy, never black, so the test measures the region, not the model's
 * reaction to a hole); with a mask column, only the region's pixels off the object are removed. One
 * row per image ({@link RegionTestTable}).
 */
public final class VitRegionTest extends VitTransformer<VitRegionTest> implements DefaultParamsWritable {

    /** The removals the test accepts. */
    public static final List<Protocol> REMOVALS = List.of(Protocol.ROAD, Protocol.BLUR);

    private final Param<String> regionCol;
    private final Param<String> testedClassCol;
    private final Param<String> keyCol;
    private final IntParam regionGrid;
    private final Param<String> removal;

    public VitRegionTest() {
        this(Identifiable.randomUID("vitRegionTest"));
    }

    public VitRegionTest(String uid) {
        super(uid);
        regionCol = new Param<>(this, "regionCol", "array<int> column: the region's cells, row-major");
        testedClassCol = new Param<>(this, "testedClassCol", "int column: the class whose probability is measured");
        keyCol = new Param<>(this, "keyCol", "string column naming the test each row belongs to");
        regionGrid = new IntParam(this, "regionGrid", "side of the grid the cells are on", ParamValidators.gtEq(1));
        removal = new Param<>(this, "removal", "what replaces the region: road or blur");
        setDefault(regionCol, "region");
        setDefault(testedClassCol, "tested_class");
        setDefault(keyCol, "key");
        setDefault(regionGrid, 8);
        setDefault(removal, Protocol.ROAD.label());
    }

    public static MLReader<VitRegionTest> read() {
        return new DefaultParamsReader<>();
    }

    public static VitRegionTest load(String path) {
        return read().load(path);
    }

    public Param<String> regionCol() {
        return regionCol;
    }

    public Param<String> testedClassCol() {
        return testedClassCol;
    }

    public Param<String> keyCol() {
        return keyCol;
    }

    public IntParam regionGrid() {
        return regionGrid;
    }

    public Param<String> removal() {
        return removal;
    }

    public VitRegionTest setRegionGrid(int v) {
        set(regionGrid, v);
        return this;
    }

    public int getRegionGrid() {
        return (Integer) getOrDefault(regionGrid);
    }

    public VitRegionTest setRemoval(String v) {
        set(removal, v);
        return this;
    }

    public String getRemoval() {
        return getOrDefault(removal);
    }

    public VitRegionTest setRegionCol(String v) {
        set(regionCol, v);
        return this;
    }

    public VitRegionTest setTestedClassCol(String v) {
        set(testedClassCol, v);
        return this;
    }

    public VitRegionTest setKeyCol(String v) {
        set(keyCol, v);
        return this;
    }

    /** The removal protocol; anything but ROAD or blurring fails naming them. */
    public Protocol removalProtocol() {
        Protocol p = Protocol.parse(getRemoval());
        if (!REMOVALS.contains(p)) {
            throw new IllegalArgumentException("the region test removes with road or blur, not " + getRemoval()
                    + " (zeroing tests the model's reaction to a black hole as much as the region)");
        }
        return p;
    }

    @Override
    public ExplainSettings settings() {
        return settings(EnumSet.of(removalProtocol()));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        positions(schema);
        return super.transformSchema(schema);
    }

    private RegionRemovalPartition.Positions positions(StructType schema) {
        return new RegionRemovalPartition.Positions(
                column(schema, getOrDefault(regionCol), DataTypes.createArrayType(DataTypes.IntegerType)),
                column(schema, getOrDefault(testedClassCol), DataTypes.IntegerType),
                column(schema, getOrDefault(keyCol), DataTypes.StringType));
    }

    private static int column(StructType schema, String name, org.apache.spark.sql.types.DataType type) {
        if (!List.of(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("the region test needs a column '" + name + "' (" + type.simpleString()
                    + "); the input has " + String.join(", ", schema.fieldNames()));
        }
        int i = schema.fieldIndex(name);
        org.apache.spark.sql.types.DataType actual = schema.fields()[i].dataType();
        boolean ok = type instanceof ArrayType
                ? actual instanceof ArrayType a && a.elementType() instanceof IntegerType
                : type instanceof IntegerType ? actual instanceof IntegerType : actual instanceof StringType;
        if (!ok) {
            throw new IllegalArgumentException(
                    "column '" + name + "' has type " + actual.simpleString() + ", expected " + type.simpleString());
        }
        return i;
    }

    @Override
    protected StructType outputSchema() {
        return RegionTestTable.schema();
    }

    @Override
    protected MapPartitionsFunction<Row, Row> partitions(
            ExplainSettings settings, InputColumns columns, StructType schema) {
        return new RegionRemovalPartition(settings, columns, positions(schema), getRegionGrid(), removalProtocol());
    }

    @Override
    public VitRegionTest copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
