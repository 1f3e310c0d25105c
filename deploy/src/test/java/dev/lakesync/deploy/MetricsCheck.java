package dev.lakesync.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads every stage's /metrics while the demo runs, from the URLs the demo prints, and keeps each stage's last
 * answer: what a Prometheus scraping the stages would see.
 */
final class MetricsCheck implements Runnable {
  private static final Pattern URLS = Pattern.compile("^demo: stage metrics at (.*)$");
  private static final Pattern STAGE_URL = Pattern.compile("(\\w+)=(http://\\S+)");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Path log;
  private final Process demo;
  final Map<String, String> lastAnswer = new ConcurrentHashMap<>();

  MetricsCheck(Path log, Process demo) {
    this.log = log;
    this.demo = demo;
  }

  @Override
  public void run() {
    Map<String, URI> urls = new LinkedHashMap<>();
    try {
      while (demo.isAlive()) {
        if (urls.isEmpty()) {
          urls.putAll(urls());
        }
        for (Map.Entry<String, URI> stage : urls.entrySet()) {
          try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(stage.getValue())
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
              lastAnswer.put(stage.getKey(), response.body());
            }
          } catch (IOException e) {
            // starting or stopping: the last answer stands
          }
        }
        Thread.sleep(2000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, URI> urls() {
    Map<String, URI> urls = new LinkedHashMap<>();
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (String line : lines) {
        Matcher all = URLS.matcher(line);
        if (all.matches()) {
          Matcher stage = STAGE_URL.matcher(all.group(1));
          while (stage.find()) {
            urls.put(stage.group(1), URI.create(stage.group(2)));
          }
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // not written yet
    }
    return urls;
  }

  /** The sum of a metric's samples in the stage's last answer; -1 when it had none. */
  double value(String stage, String metric) {
    String body = lastAnswer.getOrDefault(stage, "");
    double sum = -1;
    for (String line : body.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        sum = Math.max(sum, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
