package dev.switchboard.limits;

import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

/**
 * Counters in Redis, shared by every pod: a take is one Lua script (all counters checked, then all increased, in one
 * round trip and atomically), a charge another. Keys are {@code {<namespace>}:<key>}: the one hash tag keeps a script's
 * keys in one slot. Each key expires when its window ends. Thread-safe.
 */
final class RedisStore implements LimitStore, AutoCloseable {

    /**
     * KEYS: counters; ARGV per key: amount, limit (-1: none), window end (epoch ms). Returns {0, totals...} or {i, current}.
     */
    static final String TAKE = """
            for i = 1, #KEYS do
              local limit = tonumber(ARGV[3*i-1])
              if limit >= 0 then
                local current = tonumber(redis.call('GET', KEYS[i]) or '0')
                if current + tonumber(ARGV[3*i-2]) > limit then
                  return {i, current}
                end
              end
            end
            local result = {0}
            for i = 1, #KEYS do
              result[i+1] = redis.call('INCRBY', KEYS[i], ARGV[3*i-2])
              redis.call('PEXPIREAT', KEYS[i], ARGV[3*i])
            end
            return result
            """;
    /** KEYS: counters; ARGV per key: amount, window end. */
    static final String ADD = """
            for i = 1, #KEYS do
              redis.call('INCRBY', KEYS[i], ARGV[2*i-1])
              redis.call('PEXPIREAT', KEYS[i], ARGV[2*i])
            end
            return 0
            """;
    /** KEYS: counters; ARGV per key: the least it must hold, window end. */
    static final String RAISE = """
            for i = 1, #KEYS do
              if tonumber(redis.call('GET', KEYS[i]) or '0') < tonumber(ARGV[2*i-1]) then
                redis.call('SET', KEYS[i], ARGV[2*i-1], 'PXAT', ARGV[2*i])
              end
            end
            return 0
            """;
    /** KEYS: the usage hash; ARGV: its expiry (epoch ms), then field, amount pairs. */
    static final String USAGE = """
            for i = 2, #ARGV, 2 do
              redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i+1])
            end
            redis.call('PEXPIREAT', KEYS[1], ARGV[1])
            return 0
            """;
    /** KEYS: the pods set; ARGV: now, pod id, how long a pod counts. Returns the pods seen lately. */
    static final String HEARTBEAT = """
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, tonumber(ARGV[1]) - tonumber(ARGV[3]))
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return redis.call('ZCARD', KEYS[1])
            """;

    private final Redis client;
    private final RedisAPI api;
    private final String prefix;

    RedisStore(Vertx vertx, String connectionString, String namespace) {
        this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(connectionString)
                .setMaxPoolSize(8).setMaxPoolWaiting(256));
        this.api = RedisAPI.api(client);
        this.prefix = "{" + namespace + "}:";
    }

    @Override
    public Uni<Taken> take(List<Counter> counters) {
        List<String> args = new ArrayList<>(2 + counters.size() * 4);
        args.add(TAKE);
        args.add(Integer.toString(counters.size()));
        counters.forEach(c -> args.add(prefix + c.key()));
        counters.forEach(c -> {
            args.add(Long.toString(c.amount()));
            args.add(Long.toString(c.limit()));
            args.add(Long.toString(c.windowEnd()));
        });
        return api.eval(args).map(RedisStore::taken);
    }

    private static Taken taken(Response response) {
        int refused = response.get(0).toInteger() - 1;
        long[] totals = new long[response.size() - 1];
        for (int i = 1; i < response.size(); i++) {
            totals[i - 1] = response.get(i).toLong();
        }
        return new Taken(refused, totals);
    }

    @Override
    public Uni<Void> add(List<Counter> counters) {
        return write(ADD, counters);
    }

    @Override
    public Uni<Void> raise(List<Counter> counters) {
        return write(RAISE, counters);
    }

    private Uni<Void> write(String script, List<Counter> counters) {
        if (counters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> args = new ArrayList<>(2 + counters.size() * 3);
        args.add(script);
        args.add(Integer.toString(counters.size()));
        counters.forEach(c -> args.add(prefix + c.key()));
        counters.forEach(c -> {
            args.add(Long.toString(c.amount()));
            args.add(Long.toString(c.windowEnd()));
        });
        return api.eval(args).replaceWithVoid();
    }

    /** Says this pod is alive; the number of pods that said so within {@code window} ms. */
    Uni<Integer> heartbeat(String pod, long now, long window) {
        return api.eval(List.of(HEARTBEAT, "1", prefix + "pods", Long.toString(now), pod, Long.toString(window)))
                .map(Response::toInteger);
    }

    /** Adds {@code amounts} (field to amount) to the usage hash {@code key}, which expires at {@code expireAt}. */
    Uni<Void> usage(String key, java.util.Map<String, Long> amounts, long expireAt) {
        List<String> args = new ArrayList<>(4 + amounts.size() * 2);
        args.add(USAGE);
        args.add("1");
        args.add(prefix + key);
        args.add(Long.toString(expireAt));
        amounts.forEach((field, amount) -> {
            args.add(field);
            args.add(Long.toString(amount));
        });
        return api.eval(args).replaceWithVoid();
    }

    /** Every field of the usage hash {@code key}. */
    Uni<java.util.Map<String, Long>> usage(String key) {
        return api.hgetall(prefix + key).map(response -> {
            java.util.Map<String, Long> fields = new java.util.TreeMap<>();
            if (response != null) {
                for (String field : response.getKeys()) {
                    fields.put(field, response.get(field).toLong());
                }
            }
            return fields;
        });
    }

    /** The value of a counter, 0 when absent. */
    Uni<Long> get(String key) {
        return api.get(prefix + key).map(r -> r == null ? 0L : r.toLong());
    }

    @Override
    public void close() {
        client.close();
    }
}
