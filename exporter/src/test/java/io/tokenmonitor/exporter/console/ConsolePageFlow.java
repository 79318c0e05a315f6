package io.tokenmonitor.exporter.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * What a person does on the console page, the same against the fake and the real rule book: create a usage budget
 * with the form, preview it, save it, see it listed, switch it off, delete it, find it all in the audit.
 */
final class ConsolePageFlow {
    private ConsolePageFlow() {}

    /**
     * @param afterSave runs once the budget is listed (for example: it is on /metrics)
     * @param afterSwitchOff runs once it is listed as off
     */
    static void createPreviewSaveSwitchOffDelete(
            ChromeDriver d,
            String consoleUrl,
            String name,
            Consumer<String> afterSave,
            Consumer<String> afterSwitchOff) {
        d.get(consoleUrl + "#rules");
        Chromium.await(d).until(x -> x.findElement(By.id("rules")).getText().contains("from-file"));

        d.findElement(By.cssSelector("nav a[data-page=edit]")).click();
        Chromium.await(d).until(x -> x.findElement(By.id("f-name")).isDisplayed());
        d.findElement(By.id("f-name")).sendKeys(name);
        new Select(d.findElement(By.id("f-kind"))).selectByValue("usage");
        new Select(d.findElement(By.id("f-window"))).selectByValue("24h");
        new Select(d.findElement(By.id("f-limit-unit"))).selectByValue("tokens");
        d.findElement(By.id("f-limit")).sendKeys("abc");
        d.findElement(By.id("preview")).click();
        // A bad value: the message names the field and the field is marked.
        Chromium.await(d)
                .until(x -> x.findElement(By.id("form-error")).getText().contains("limit"));
        assertThat(d.findElement(By.id("f-limit")).getAttribute("class")).contains("invalid");
        d.findElement(By.id("f-limit")).clear();
        d.findElement(By.id("f-limit")).sendKeys("1000");
        d.findElement(By.id("preview")).click();
        WebElement preview = Chromium.await(d)
                .until(x -> x.findElement(By.id("preview-result")).isDisplayed()
                        ? x.findElement(By.id("preview-result"))
                        : null);
        assertThat(preview.getText()).contains("1,000").contains("tokens");
        assertThat(d.findElement(By.id("form-error")).getText()).isEmpty();

        d.findElement(By.id("save")).click();
        By row = By.cssSelector("tr[data-rule='" + name + "']");
        Chromium.await(d).until(x -> !x.findElements(row).isEmpty());
        assertThat(d.findElement(row).getText())
                .contains("usage budget")
                .contains("24h")
                .contains("console");
        assertThat(d.findElement(row).getAttribute("data-enabled")).isEqualTo("true");
        assertThat(d.findElement(By.id("status")).getText()).contains(name);
        afterSave.accept(name);

        d.findElement(By.cssSelector("button.toggle[data-rule='" + name + "']")).click();
        Chromium.await(d).until(x -> "false".equals(x.findElement(row).getAttribute("data-enabled")));
        afterSwitchOff.accept(name);

        d.findElement(By.cssSelector("button.delete[data-rule='" + name + "']")).click();
        d.switchTo().alert().accept();
        Chromium.await(d).until(x -> x.findElements(row).isEmpty());

        d.findElement(By.cssSelector("nav a[data-page=audit]")).click();
        Chromium.await(d).until(x -> x.findElement(By.id("audit")).getText().contains("deleted"));
        assertThat(d.findElement(By.id("audit")).getText())
                .contains(name)
                .contains("created")
                .contains("updated")
                .contains("Switch off");
    }

    /**
     * The browser log's warnings and errors but the one the flow causes on purpose (Chromium logs the 400 of the
     * preview with a bad limit as a failed resource); it must be there, once.
     */
    static List<String> unexpected(List<String> severe) {
        List<String> deliberate = severe.stream()
                .filter(m ->
                        m.contains("/api/v1/rules/preview - Failed to load resource") && m.contains("status of 400"))
                .toList();
        assertThat(deliberate).hasSize(1);
        return severe.stream().filter(m -> !deliberate.contains(m)).toList();
    }

    /** The page in Chinese, from the browser's language, switchable to English and remembered. */
    static void chinese(ChromeDriver d, String consoleUrl) {
        d.get(consoleUrl);
        Chromium.await(d).until(x -> x.findElement(By.id("rules")).getText().contains("from-file"));
        assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Token Monitor 告警规则");
        assertThat(d.findElement(By.tagName("nav")).getText())
                .contains("规则列表")
                .contains("新建规则")
                .contains("操作审计");
        assertThat(d.findElement(By.cssSelector("tr[data-rule=from-file]")).getText())
                .contains("用量预算")
                .contains("配置文件");
        assertThat(d.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh-CN");
        d.findElement(By.cssSelector("nav a[data-page=edit]")).click();
        Chromium.await(d).until(x -> x.findElement(By.id("preview")).isDisplayed());
        assertThat(d.findElement(By.id("preview")).getText()).isEqualTo("预览");
        assertThat(d.findElement(By.id("save")).getText()).isEqualTo("保存");

        d.findElement(By.id("lang")).click();
        Chromium.await(d).until(x -> x.findElement(By.tagName("h1")).getText().equals("Token Monitor rules"));
        d.navigate().refresh();
        Chromium.await(d).until(x -> x.findElement(By.id("preview")).isDisplayed());
        assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Token Monitor rules");
    }
}
