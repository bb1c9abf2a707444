package dev.switchboard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.model.RoutingTable;
import dev.switchboard.model.Target;
import dev.switchboard.schema.RequestBody;
import dev.switchboard.schema.RequestHeaders;
import dev.switchboard.testing.Tables;

/**
 * Tenancy, addressing, pinning, context-window filtering, request traits and session keys: the admission decision
 * alone, from a policy string, with no router, no providers and no Quarkus.
 */
class AdmissionTest {

    private static final String POLICY = """
            default-route: general
            tenancy:
              header: x-team
            tenants:
              research:
                allowed-models: [general, cheap, "b/*"]
              support:
                allowed-models: ["*"]
                allowed-providers: [b]
                allow-pinning: false
              ops: {}
            providers:
              a: { type: mock }
              b: { type: mock }
              c: { type: mock }
            routes:
              general:
                targets:
                  - { provider: a, model: a-general }
                  - { provider: b, model: b-general }
              cheap:
                strategy: lowest-cost
                targets:
                  - { provider: a, model: pricey, price: { input-per-1m: 5, output-per-1m: 15 }, context-window: 200000 }
                  - { provider: b, model: bargain, price: { input-per-1m: 0.1, output-per-1m: 0.4 }, context-window: 100 }
                  - { provider: c, model: middle, price: { input-per-1m: 1, output-per-1m: 2 }, context-window: 8000 }
              sticky:
                affinity: { key: "header:x-session" }
                complexity-threshold: 50
                targets:
                  - { provider: a, model: a1 }
              by-user:
                affinity: { key: user }
                targets:
                  - { provider: a, model: a1 }
            """;

    private final Admission admission;

    AdmissionTest() throws Exception {
        RoutingTable table = Tables.of(POLICY);
        admission = new Admission(table);
    }

    private static RequestHeaders headers(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i].toLowerCase(java.util.Locale.ROOT), pairs[i + 1]);
        }
        return name -> map.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    private Decision admit(String body, RequestHeaders headers) {
        return admission.admit(RequestBody.parse(body.getBytes(StandardCharsets.UTF_8)), headers);
    }

    private Decision chat(String model, String team) {
        return admit("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                team == null ? headers() : headers("x-team", team));
    }

    private static Decision.Admitted admitted(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Admitted.class);
        return (Decision.Admitted) decision;
    }

    private static Decision.Refused refused(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Refused.class);
        return (Decision.Refused) decision;
    }

    @Test
    void sendsUnknownModelsToTheDefaultRoute() {
        Decision.Admitted decision = admitted(chat("gpt-unknown", "ops"));

        assertThat(decision.route().name()).isEqualTo("general");
        assertThat(decision.pinned()).isFalse();
    }

    @Test
    void refusesATenantAModelOutsideItsList() {
        Decision.Refused decision = refused(chat("sticky", "research"));

        assertThat(decision.status()).isEqualTo(403);
        assertThat(decision.code()).isEqualTo("model_not_allowed");
        assertThat(decision.message()).contains("research", "sticky");
        assertThat(decision.reason()).isNull();
    }

    @Test
    void refusesRequestsWithoutATenantWhenThereIsNoDefault() {
        Decision.Refused missing = refused(chat("general", null));
        Decision.Refused unknown = refused(chat("general", "marketing"));

        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.code()).isEqualTo("tenant_required");
        assertThat(missing.message()).contains("x-team");
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.code()).isEqualTo("tenant_not_allowed");
    }

    @Test
    void offersOnlyTheTargetsOfProvidersTheTenantMayUse() {
        Decision.Admitted support = admitted(chat("general", "support"));
        Decision.Refused pinnedOutsideList = refused(chat("a/anything", "research"));

        assertThat(support.candidates()).extracting(Target::provider).containsExactly("b");
        assertThat(pinnedOutsideList.code()).isEqualTo("model_not_allowed");
    }

    @Test
    void refusesARouteWhoseEveryProviderIsForbiddenAsAPlanningFailure() {
        Decision.Refused decision = refused(chat("sticky", "support"));

        assertThat(decision.code()).isEqualTo("provider_not_allowed");
        assertThat(decision.route()).isEqualTo("sticky");
        assertThat(decision.reason()).isEqualTo("tenant");
    }

    @Test
    void pinsWhenTheTenantMayAndRefusesWhenItMayNot() {
        Decision.Admitted pinned = admitted(chat("b/custom", "research"));
        Decision.Refused refused = refused(chat("b/custom", "support"));

        assertThat(pinned.pinned()).isTrue();
        assertThat(pinned.candidates()).singleElement().satisfies(t -> {
            assertThat(t.provider()).isEqualTo("b");
            assertThat(t.model()).isEqualTo("custom");
        });
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("pinning_not_allowed");
    }

    @Test
    void listsOnlyTheModelsATenantMayUse() {
        assertThat(admission.models(headers("x-team", "research")).models()).containsExactly("general", "cheap");
        assertThat(admission.models(headers("x-team", "ops")).models()).containsExactly("general", "cheap", "sticky",
                "by-user");
        assertThat(admission.models(headers()).refused().code()).isEqualTo("tenant_required");
    }

    @Test
    void dropsTargetsWhoseContextWindowIsTooSmall() {
        Decision.Admitted small = admitted(chat("cheap", "research"));
        // ~2000 bytes of prompt: ~500 tokens, too many for 'bargain' (100), fine for the others
        Decision.Admitted larger = admitted(admit("{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(2000) + "\"}]}", headers("x-team", "research")));

        assertThat(small.candidates()).extracting(Target::model).containsExactly("pricey", "bargain", "middle");
        assertThat(larger.candidates()).extracting(Target::model).containsExactly("pricey", "middle");
    }

    @Test
    void refusesARequestNoContextWindowCanHold() {
        Decision.Refused decision = refused(admit("{\"model\":\"cheap\",\"max_tokens\":300000,\"messages\":[]}",
                headers("x-team", "research")));

        assertThat(decision.status()).isEqualTo(400);
        assertThat(decision.code()).isEqualTo("context_length_exceeded");
        assertThat(decision.route()).isEqualTo("cheap");
        assertThat(decision.reason()).isEqualTo("context_window");
    }

    @Test
    void readsTheRequestTraitsFromSizeToolsAndPriority() {
        String small = "{\"model\":\"sticky\",\"max_tokens\":7,\"messages\":[]}";
        String tools = "{\"model\":\"sticky\",\"tools\":[{\"type\":\"function\"}],\"messages\":[]}";
        String large = "{\"model\":\"sticky\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(400) + "\"}]}";

        assertThat(admitted(admit(small, headers("x-team", "ops"))).traits().complex()).isFalse();
        assertThat(admitted(admit(small, headers("x-team", "ops"))).traits().maxTokens()).isEqualTo(7);
        assertThat(admitted(admit(tools, headers("x-team", "ops"))).traits().complex()).isTrue();
        assertThat(admitted(admit(large, headers("x-team", "ops"))).traits().complex()).isTrue();
        assertThat(admitted(admit(large, headers("x-team", "ops", Admission.HEADER_PRIORITY, "low"))).traits()
                .complex()).isFalse();
        assertThat(admitted(admit(small, headers("x-team", "ops", Admission.HEADER_PRIORITY, "high"))).traits()
                .complex()).isTrue();
    }

    @Test
    void takesTheSessionKeyFromTheAffinityHeaderOrTheUserField() {
        String body = "{\"model\":\"%s\",\"user\":\"u-42\",\"messages\":[]}";

        assertThat(admitted(admit(body.formatted("sticky"), headers("x-team", "ops", "x-session", "s-1"))).session())
                .isEqualTo("s-1");
        assertThat(admitted(admit(body.formatted("sticky"), headers("x-team", "ops"))).session()).isNull();
        assertThat(admitted(admit(body.formatted("by-user"), headers("x-team", "ops"))).session()).isEqualTo("u-42");
        assertThat(admitted(admit(body.formatted("general"), headers("x-team", "ops"))).session()).isNull();
    }
}
