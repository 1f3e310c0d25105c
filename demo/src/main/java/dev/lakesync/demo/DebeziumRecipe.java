package dev.lakesync.demo;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The capture benchmark's baseline: Debezium's embedded engine as its documentation shows it, every change handed
 * to a {@code KafkaProducer} with default settings. Only what a PostgreSQL source needs to run at all is set: the
 * connection, the output plugin the server has (pgoutput), a slot of its own, and a publication of the benchmark's
 * table only (the benchmark's database holds a second table for lakesync, which a user's would not).
 *
 * <p>Arguments: {@code <pg-port> <bootstrap-servers> <table> <work-dir>}. Runs until the process is stopped.
 */
public final class DebeziumRecipe {
  private DebeziumRecipe() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: DebeziumRecipe <pg-port> <bootstrap-servers> <schema.table> <work-dir>");
      System.exit(2);
    }
    Properties props = new Properties();
    props.setProperty("name", "recipe");
    props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    props.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    props.setProperty("offset.storage.file.filename", args[3] + "/recipe-offsets.dat");
    props.setProperty("offset.flush.interval.ms", "60000");
    props.setProperty("database.hostname", "127.0.0.1");
    props.setProperty("database.port", args[0]);
    props.setProperty("database.user", "postgres");
    props.setProperty("database.password", "x");
    props.setProperty("database.dbname", "bank");
    props.setProperty("topic.prefix", "recipe");
    props.setProperty("table.include.list", args[2]);
    props.setProperty("plugin.name", "pgoutput");
    props.setProperty("slot.name", "recipe");
    props.setProperty("publication.name", "recipe");
    props.setProperty("publication.autocreate.mode", "filtered");

    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
    DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
        .using(props)
        .notifying(record -> producer.send(new ProducerRecord<>(record.destination(), record.key(), record.value())))
        .build();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    executor.execute(engine);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        engine.close();
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
        producer.close();
      } catch (Exception e) {
        System.err.println("recipe: stopping failed: " + e);
      } finally {
        stopped.countDown();
      }
    }, "recipe-stop"));
    stopped.await();
  }
}
