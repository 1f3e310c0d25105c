package dev.lakesync.deploy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The demo's dashboard as a user sees it: once the demo printed its URL and the warehouse and serving store hold
 * data, headless Chromium (Debian's {@code chromium}) loads the page with a customer lookup and a search in its URL,
 * runs its scripts, and the rendered DOM must show the stages, freshness rows, both aggregate charts with data, the
 * search hits and the looked-up document. A screenshot goes to {@code target/dashboard.png}.
 */
final class DashboardCheck {
  private static final Pattern URL = Pattern.compile("demo: dashboard at (http://\\S+/)");
  private static final Pattern FIRST_ID = Pattern.compile("\"documents\":\\[\\{\"id\":\"(\\d+)\"");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final Path demoLog;
  private final Path target;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // What the wait found so far, and what it still waits for.
  private String url;
  private String customerId;
  private String waitingFor = "the demo never printed the dashboard's URL";

  DashboardCheck(Path demoLog, Path target) {
    this.demoLog = demoLog;
    this.target = target;
  }

  /** Checks the page while the demo runs; null when it passed, else what failed. */
  String runWhile(Process demo, Duration timeout) throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      String message = "no " + CHROMIUM + " (apt-get install chromium): the dashboard check cannot run";
      System.out.println("DemoIT: " + message);
      return System.getenv("LAKESYNC_REQUIRE_CHROMIUM") != null ? message : null; // .ci/run requires it
    }
    try {
      await("the dashboard's URL, warehouse aggregates and a searchable document").atMost(timeout)
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(2))
          .until(() -> !demo.isAlive() || hasData());
    } catch (ConditionTimeoutException e) {
      // told below: what was still missing
    }
    if (customerId == null) {
      return waitingFor;
    }
    String page = url + "?customer=" + customerId + "&q=example";
    Files.createDirectories(target);
    Path screenshot = target.resolve("dashboard.png").toAbsolutePath();
    chromium("--window-size=1400,1500", "--screenshot=" + screenshot, page);
    String dom = chromium("--dump-dom", page);
    Files.writeString(target.resolve("dashboard.html"), dom, StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    expect(dom, "data-status=\"loaded\"", "the status loaded", missing);
    expect(dom, "data-stage=\"capture\"", "the capture stage's card", missing);
    expect(dom, "data-target=\"lake\"", "the lake's freshness rows", missing);
    expect(dom, "id=\"chart-daily\"[^>]*data-points=\"[1-9]", "the daily aggregates chart with data", missing);
    expect(dom, "id=\"chart-currency\"[^>]*data-points=\"[1-9]", "the currency chart with data", missing);
    expect(dom, "<rect", "bars drawn", missing);
    expect(dom, "id=\"search-results\"[^>]*data-count=\"[1-9]", "search hits", missing);
    expect(dom, "id=\"lookup-result\"[^>]*data-found=\"true\"", "the looked-up document", missing);
    expect(dom, "id=\"lookup-document\">\\{\\s*(\"|&quot;)id(\"|&quot;): (\"|&quot;)" + customerId + "(\"|&quot;)",
        "the document of customer " + customerId, missing);
    System.out.println("DemoIT: dashboard " + page + " in headless Chromium; screenshot " + screenshot
        + (missing.isEmpty() ? "; every part rendered" : "; missing: " + missing));
    return missing.isEmpty() ? null : "the rendered dashboard lacks " + missing + " (DOM in target/dashboard.html)";
  }

  /** One look: the URL from the demo's log, then whether the page's APIs have aggregates and a search hit. */
  private boolean hasData() throws IOException {
    if (url == null) {
      Matcher matcher = URL.matcher(Files.readString(demoLog, StandardCharsets.UTF_8));
      url = matcher.find() ? matcher.group(1) : null;
      return false;
    }
    String aggregates = get(url + "api/aggregates");
    Matcher hit = FIRST_ID.matcher(get(url + "api/search?q=example"));
    if (aggregates.startsWith("[{") && hit.find()) {
      customerId = hit.group(1);
      return true;
    }
    waitingFor = "no warehouse aggregates or no searchable document yet";
    return false;
  }

  private static void expect(String dom, String regex, String what, List<String> missing) {
    if (!Pattern.compile(regex).matcher(dom).find()) {
      missing.add(what);
    }
  }

  private String get(String url) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Headless Chromium with the flags a closed network needs; the page gets 10 s of virtual time for its fetches. */
  private static String chromium(String... arguments) throws Exception {
    Path profile = Files.createTempDirectory("lakesync-chromium");
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
    command.addAll(List.of(arguments));
    Path output = Files.createTempFile("lakesync-chromium", ".out");
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectOutput(output.toFile()).start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not finish within 90 s: " + command);
    }
    return Files.readString(output, StandardCharsets.UTF_8);
  }
}
