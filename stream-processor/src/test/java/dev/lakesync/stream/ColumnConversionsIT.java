package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.lake.LocalSpark;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Column conversions evaluated by Spark on the texts Debezium sends. */
class ColumnConversionsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path lake;

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start(lake, "column-conversions-it");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void roundsPostgresIntervalSecondsToTheMicrosecondAndKeepsEveryOtherPart() throws Exception {
    ColumnSpec interval = ColumnSpec.of(JSON.readTree("{\"type\":\"string\",\"field\":\"i\","
        + "\"name\":\"io.debezium.time.Interval\",\"parameters\":{\"__debezium.source.column.type\":\"INTERVAL\"}}"));

    assertThat(convert(interval, "P1Y2M3DT4H5M1.0039690000000001S", "P0Y0M-3DT0H0M-12.000000999999999S",
        "P0Y0M0DT0H0M59.999998999999999S", "P12Y0M0DT0H0M6S", "P0Y0M0DT0H0M0.5S", "P0Y0M0DT0H10M0.000001S", null))
        .containsExactly("P1Y2M3DT4H5M1.003969S", "P0Y0M-3DT0H0M-12.000001S", "P0Y0M0DT0H0M59.999999S", "P12Y0M0DT0H0M6S",
            "P0Y0M0DT0H0M0.5S", "P0Y0M0DT0H10M0.000001S", null);
  }

  @Test
  void keepsIntervalsOfOtherSourcesWhoseSecondsMayHaveNanoseconds() throws Exception {
    ColumnSpec interval = ColumnSpec.of(JSON.readTree("{\"type\":\"string\",\"field\":\"i\","
        + "\"name\":\"io.debezium.time.Interval\",\"parameters\":{\"__debezium.source.column.type\":\"INTERVAL DAY(2) TO SECOND(9)\"}}"));

    assertThat(convert(interval, "P0Y0M1DT0H0M1.123456789S")).containsExactly("P0Y0M1DT0H0M1.123456789S");
  }

  private static List<String> convert(ColumnSpec column, String... texts) {
    Dataset<Row> values = spark.createDataset(Arrays.asList(texts), Encoders.STRING()).toDF("v");
    return values.selectExpr(column.convert("v")).collectAsList().stream()
        .map(row -> row.isNullAt(0) ? null : row.get(0).toString()).collect(Collectors.toList());
  }
}
