package dev.textgen.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playground in a real headless Chromium, driven by Selenium through Debian's chromium-driver (nothing is
 * downloaded: the driver and the browser are given by path). The text streams in, Stop cancels the request on the
 * server, the console stays clean, and a screenshot is written to {@code target/playground.png}.
 */
class PlaygroundBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static TextgenServer server;
    private static WebDriver browser;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "SKIPPED: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
        server = TextgenServer.startWith(ServerSettings.defaults().withPort(0).withMaxTokens(5_000_000),
                Map.of("tiny", TinyModel.generator()));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1200,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theTextStreamsInStopCancelsOnTheServerAndTheConsoleStaysClean() throws Exception {
        browser.get(server.baseUri().toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.withMessage(PlaygroundBrowserTest::state);
        wait.until(b -> new Select(b.findElement(By.id("model"))).getOptions().size() == 1);
        assertThat(new Select(browser.findElement(By.id("model"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("tiny");

        set("prompt", "the cat ");
        set("max_tokens", "20000");
        set("seed", "7");
        set("temperature", "0.8");
        recordTextLengths();
        browser.findElement(By.id("generate")).click();
        wait.until(b -> b.findElement(By.id("status")).getText().startsWith("Done"));
        String text = browser.findElement(By.id("generated")).getText();
        String expected = Http.parse(new Http(server.baseUri()).post("/v1/completions", "{\"prompt\": \"the cat \","
                + " \"max_tokens\": 20000, \"seed\": 7, \"temperature\": 0.8}").body()).at("/choices/0/text").asText();
        assertThat(normalise(text)).isEqualTo(normalise(expected));
        @SuppressWarnings("unchecked")
        List<Long> lengths = (List<Long>) ((JavascriptExecutor) browser).executeScript("return window.textLengths;");
        assertThat(lengths).as("the text grew in steps").hasSizeGreaterThanOrEqualTo(3).isSorted();
        assertThat(lengths.get(lengths.size() - 1)).isEqualTo(20000L);
        assertThat(browser.findElement(By.id("usage")).getText())
                .isEqualTo("prompt: 8 characters, generated: 20000, total: 20008");
        screenshot("playground.png");

        ((JavascriptExecutor) browser).executeScript("window.textObserver.disconnect();");
        set("max_tokens", "5000000");
        browser.findElement(By.id("generate")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(10))
                .withMessage(PlaygroundBrowserTest::state)
                .until(b -> !b.findElement(By.id("output")).getAttribute("data-chunks").equals("0"));
        browser.findElement(By.id("stop")).click();
        wait.until(b -> b.findElement(By.id("status")).getText().equals("Stopped."));
        Http http = new Http(server.baseUri());
        wait.until(b -> metric(http, "textgen_requests_total{outcome=\"cancelled\"}") == 1);
        assertThat(metric(http, "textgen_requests_running")).isZero();

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(errors).as("console warnings and errors").isEmpty();
    }

    /** Selenium's visible text of an element drops its leading and trailing whitespace. */
    private static String normalise(String text) {
        return text.strip();
    }

    private static void set(String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    /** Records the generated text's length after every change of the page, before Generate is clicked. */
    private static void recordTextLengths() {
        ((JavascriptExecutor) browser).executeScript("""
                window.textLengths = [];
                window.textObserver = new MutationObserver(() => {
                  const generated = document.getElementById('generated');
                  if (generated) window.textLengths.push(generated.textContent.length);
                });
                window.textObserver.observe(document.getElementById('output'), {childList: true, subtree: true,
                    characterData: true});
                """);
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(target)).isPositive();
    }

    /** What a wait that timed out saw: the page's status and text, and the server's request counters. */
    private static String state() {
        String requests = new Http(server.baseUri()).get("/metrics").body().lines()
                .filter(line -> line.startsWith("textgen_requests")).collect(Collectors.joining("; "));
        WebElement generated = browser.findElements(By.id("generated")).stream().findFirst().orElse(null);
        return "status \"" + browser.findElement(By.id("status")).getText() + "\", "
                + Objects.requireNonNullElse(browser.findElement(By.id("output")).getAttribute("data-chunks"), "0")
                + " chunks, "
                + (generated == null ? "no text" : generated.getText().length() + " characters") + "; server: " + requests;
    }

    private static long metric(Http http, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(http.get("/metrics").body());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
