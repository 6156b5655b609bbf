package io.hsepipeline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.hsepipeline.HsePipelineApplication;
import io.hsepipeline.testing.SandboxHttp;
import io.hsepipeline.testing.TestPdfs;
import io.hsepipeline.testing.TestShare;

/**
 * The status page in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium): a
 * dropped PDF reaches DONE on the page, a failed one is shown with its reason, and once its cause is fixed the
 * retry button takes it to DONE. The last view is kept as target/status-page.png.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HsePipelineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatusPageBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("hse.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("hse.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOT = Path.of("target", "status-page.png");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final TestShare SHARE = TestShare.temporary("status-page-share");
    private static final SandboxHttp SANDBOX = SandboxHttp.start(Duration.ofMillis(300));
    private static final Mappings MAPPINGS = Mappings.copy();

    @LocalServerPort
    int port;

    private WebDriver browser;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        SHARE.register(registry);
        SANDBOX.register(registry);
        registry.add("hse.mappings", () -> MAPPINGS.dir().toString());
    }

    @AfterAll
    static void stopSandbox() {
        SANDBOX.close();
    }

    @BeforeEach
    void startBrowser() {
        for (Path needed : List.of(CHROMIUM, CHROMEDRIVER)) {
            assertThat(Files.isExecutable(needed)).as(needed + " is missing: the page test needs Debian's chromium and"
                    + " chromium-driver (.ci/run installs them: sudo apt-get install chromium chromium-driver)").isTrue();
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1400,900");
        // the machine's own chromedriver: Selenium Manager never downloads one
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (browser != null) {
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.createDirectories(SCREENSHOT.getParent());
            Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
            browser.quit();
        }
    }

    @Test
    void pageShowsADroppedPdfReachDoneAndItsRetryButtonTakesAFailedOneToDone() {
        String good = TestShare.uniqueName("acetone-page");
        String bad = TestShare.uniqueName("acetone-page-failing");
        byte[] badPdf = acetone();
        String badId = TestPdfs.sha256(badPdf);

        browser.get("http://localhost:" + port + "/");
        SHARE.drop("inbox", good, acetone());
        await().atMost(WAIT).until(() -> "DONE".equals(stateOnPage(good)));

        MAPPINGS.breakMapping(Mappings.HSEGENIUS_UPLOAD);
        try {
            SHARE.drop("inbox", bad, badPdf);
            await().atMost(WAIT).until(() -> "FAILED".equals(stateOnPage(bad)));
        } finally {
            MAPPINGS.repair(Mappings.HSEGENIUS_UPLOAD);
        }

        // the list is redrawn every 2 s: a row found just before a redraw is gone when clicked, so click again
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
                .until(() -> {
                    row(bad).click();
                    return true;
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("retry")).isDisplayed());
        assertThat(browser.findElement(By.id("detail-id")).getText()).isEqualTo(badId);
        assertThat(browser.findElement(By.id("detail-reason")).getText()).contains("mapping under repair");
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("FAILED");
        assertThat(browser.findElement(By.id("detail-sidecar")).getAttribute("href")).endsWith("/api/documents/" + badId + "/sidecar");
        assertThat(browser.findElement(By.cssSelector("#counts [data-state=FAILED]")).getText()).startsWith("1");

        browser.findElement(By.id("retry")).click();

        await().atMost(WAIT).until(() -> "DONE".equals(stateOnPage(bad)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElement(By.id("retry")).isDisplayed()
                && browser.findElement(By.id("timeline")).getText().contains("DONE"));
        assertThat(browser.findElement(By.cssSelector("#counts [data-state=DONE]")).getText()).startsWith("2");
        assertThat(SHARE.folder("done").resolve(bad)).hasBinaryContent(badPdf);

        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("state-filter"))).selectByValue("FAILED");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#documents tbody tr")).isEmpty());
    }

    /** The state shown in the document's row, or null while the page does not list it. */
    private String stateOnPage(String fileName) {
        try {
            List<WebElement> rows = browser.findElements(By.xpath(rowXpath(fileName)));
            return rows.isEmpty() ? null : rows.get(0).findElement(By.className("state")).getText();
        } catch (StaleElementReferenceException redrawn) {
            return null;
        }
    }

    private WebElement row(String fileName) {
        return browser.findElement(By.xpath(rowXpath(fileName)));
    }

    private static String rowXpath(String fileName) {
        return "//table[@id='documents']/tbody/tr[td[@class='file' and text()='" + fileName + "']]";
    }

    private static byte[] acetone() {
        return TestPdfs.withText("Safety data sheet", "Product name: Acetone", "Waste code 15 01 10*",
                "Issued 2026-01-15", "Copy " + UUID.randomUUID());
    }
}
