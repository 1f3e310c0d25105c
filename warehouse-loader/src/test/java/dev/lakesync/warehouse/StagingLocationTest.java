package dev.lakesync.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class StagingLocationTest {

  @Test
  void sparkWritesToAbfssAndCopyIntoReadsTheSameFolderOverTheDataLakeEndpoint() {
    for (String configured : new String[] {"abfss://staging@acct.dfs.core.windows.net/dw/",
        "abfs://staging@acct.dfs.core.windows.net/dw", "https://acct.dfs.core.windows.net/staging/dw",
        "https://acct.blob.core.windows.net/staging/dw/"}) {
      StagingLocation location = StagingLocation.of(URI.create(configured));
      assertThat(location.sparkFolder("load-1/fact")).as(configured)
          .isEqualTo("abfss://staging@acct.dfs.core.windows.net/dw/load-1/fact");
      assertThat(location.copyFolder("load-1/fact")).as(configured)
          .isEqualTo("https://acct.dfs.core.windows.net/staging/dw/load-1/fact");
    }
  }

  @Test
  void keepsTheCloudsSuffixAndAcceptsAContainerRoot() {
    StagingLocation location = StagingLocation.of(URI.create("abfss://stg@acct.dfs.core.chinacloudapi.cn"));
    assertThat(location.copyFolder("x")).isEqualTo("https://acct.dfs.core.chinacloudapi.cn/stg/x");
    assertThat(location.sparkFolder("x")).isEqualTo("abfss://stg@acct.dfs.core.chinacloudapi.cn/x");
  }

  @Test
  void anythingElseIsAConfigProblemThatShowsTheExpectedForm() {
    assertThatThrownBy(() -> StagingLocation.of(URI.create("https://example.org/staging")))
        .hasMessageContaining("warehouse.stagingUri: expected abfss://<container>@<account>.dfs.core.windows.net/");
  }
}
