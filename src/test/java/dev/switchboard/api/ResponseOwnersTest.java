package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A stored response is found only by the tenant it was made for, and only by an id that is one plain path segment. */
class ResponseOwnersTest {

    @Test
    void findsAResponseOnlyForTheTenantItWasMadeFor() {
        ResponseOwners owners = new ResponseOwners();
        owners.remember("resp_abc", "openai", "team-a");

        assertThat(owners.provider("resp_abc", "team-a")).isEqualTo("openai");
        assertThat(owners.provider("resp_abc", "team-b")).isNull();
        assertThat(owners.provider("resp_abc", null)).isNull();
        assertThat(owners.provider("resp_other", "team-a")).isNull();
    }

    @Test
    void neverKeepsOrLooksUpAnIdThatIsNotOnePlainPathSegment() {
        ResponseOwners owners = new ResponseOwners();
        owners.remember("resp_x/../../files", "openai", "");

        assertThat(owners.provider("resp_x/../../files", "")).isNull();
        assertThat(ResponseOwners.isId("resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41")).isTrue();
        assertThat(ResponseOwners.isId("resp_1/../../files")).isFalse();
        assertThat(ResponseOwners.isId("resp_1?limit=1")).isFalse();
        assertThat(ResponseOwners.isId("")).isFalse();
    }
}
