package dev.switchboard.model;

/**
 * One place a route can send a request: a provider and the model to ask it for.
 *
 * @param provider the provider's name in the policy
 * @param model the upstream model id sent to that provider
 * @param weight relative weight for weighted strategies (> 0)
 */
public record Target(String provider, String model, int weight) {

    @Override
    public String toString() {
        return provider + "/" + model;
    }
}
