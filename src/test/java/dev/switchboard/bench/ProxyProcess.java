package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A proxy under test as a child process (the Switchboard jar, or nginx), with its output in a log file: its CPU time
 * and resident memory from {@code /proc} (its own and its descendants', e.g. nginx's worker), and a shutdown hook that
 * ends it should the benchmark die.
 */
final class ProxyProcess implements AutoCloseable {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on every Linux in use). */
    private static final long TICKS_PER_SECOND = 100;
    private static final Pattern SPACE = Pattern.compile(" ");

    private final String name;
    private final Process process;
    private final Path log;
    private final long startNanos;
    private final Thread hook;

    private ProxyProcess(String name, Process process, Path log, long startNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
        this.hook = new Thread(this::stop, "perf-stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static ProxyProcess start(String name, List<String> command, Map<String, String> env, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        long start = System.nanoTime();
        return new ProxyProcess(name, builder.start(), log, start);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit status; only once {@link #alive()} is false. */
    int exitValue() {
        return process.exitValue();
    }

    /** {@link System#nanoTime()} just before the process was started. */
    long startNanos() {
        return startNanos;
    }

    Path log() {
        return log;
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /** User plus system CPU time of the process and its descendants in microseconds, or -1 without {@code /proc}. */
    long cpuMicros() {
        long ticks = 0;
        for (long pid : pids()) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.UTF_8);
                // the command name (field 2) may hold spaces: count fields after its closing parenthesis
                List<String> fields = SPACE.splitAsStream(stat.substring(stat.lastIndexOf(')') + 2)).toList();
                ticks += Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12));
            } catch (IOException | RuntimeException e) {
                if (pid == process.pid()) {
                    return -1;
                }
            }
        }
        return ticks * 1_000_000 / TICKS_PER_SECOND;
    }

    /** Resident memory of the process and its descendants in KiB ({@code VmRSS}), or -1 without {@code /proc}. */
    long rssKib() {
        return status("VmRSS:");
    }

    /**
     * The anonymous part of {@link #rssKib()} ({@code RssAnon}): what the process alone holds. The rest is file pages
     * (the JVM's own library, a class archive mapped unrelocated) that the kernel shares between processes mapping the
     * same file and can reclaim.
     */
    long rssAnonKib() {
        return status("RssAnon:");
    }

    private long status(String field) {
        long kib = 0;
        for (long pid : pids()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"),
                        StandardCharsets.UTF_8)) {
                    if (line.startsWith(field)) {
                        kib += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (pid == process.pid()) {
                    return -1;
                }
            }
        }
        return kib;
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs stop() again, which does nothing now
        }
    }
}
