package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the other instances reach this one: the setting when given, else the address the server binds. */
class AdvertisedUrlTest {

    @Test
    void theSettingWinsOverTheBoundAddress() {
        AdvertisedUrl url = AdvertisedUrl.resolve(Map.of(AdvertisedUrl.ENV, "http://patchbay-2.internal:8081"),
                "0.0.0.0", 8080);
        assertThat(url.hostPort()).isEqualTo("patchbay-2.internal:8081");
        assertThat(AdvertisedUrl.parse("10.1.2.3:9000/").hostPort()).isEqualTo("10.1.2.3:9000");
    }

    @Test
    void withoutTheSettingTheBoundAddressIsAdvertised() {
        assertThat(AdvertisedUrl.resolve(Map.of(), "127.0.0.1", 18080).hostPort()).isEqualTo("127.0.0.1:18080");
        AdvertisedUrl everywhere = AdvertisedUrl.resolve(Map.of(AdvertisedUrl.ENV, " "), "0.0.0.0", 8080);
        assertThat(everywhere.host()).as("every interface is no address to reach").isNotEqualTo("0.0.0.0").isNotBlank();
        assertThat(everywhere.port()).isEqualTo(8080);
    }

    @Test
    void refusesWhatOtherInstancesCouldNotReach() {
        assertThatThrownBy(() -> AdvertisedUrl.parse("https://patchbay-1:8443"))
                .hasMessageContaining(AdvertisedUrl.ENV).hasMessageContaining("http://");
        assertThatThrownBy(() -> AdvertisedUrl.parse("http://patchbay-1"))
                .hasMessageContaining("host and a port");
        assertThatThrownBy(() -> AdvertisedUrl.parse("http://patchbay-1:8080/patchbay"))
                .hasMessageContaining("without a path");
        assertThatThrownBy(() -> AdvertisedUrl.parse("http://patch bay:8080"))
                .hasMessageContaining("not a URL");
    }
}
