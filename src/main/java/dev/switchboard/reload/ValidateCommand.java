package dev.switchboard.reload;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.switchboard.config.PolicyException;
import dev.switchboard.config.PolicyParser;
import dev.switchboard.policy.PolicyCompiler;
import dev.switchboard.policy.SecretSource;
import dev.switchboard.provider.ProviderFactory;
import dev.switchboard.strategy.Strategies;

/**
 * {@code switchboard validate [--check-secrets] FILE...}: checks policy files without starting the server, prints each
 * problem with its YAML path, and exits 0 when every file is valid, 1 otherwise (2 for a usage error) — for
 * ConfigMaps in CI pipelines, like {@code promtool check config}. Credentials are checked only with
 * {@code --check-secrets}, since a pipeline rarely has the pod's environment and mounts.
 */
public final class ValidateCommand {

    private ValidateCommand() {
    }

    /** Runs the command; {@code args} excludes the word {@code validate}. Returns the exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean checkSecrets = false;
        List<String> files = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--check-secrets")) {
                checkSecrets = true;
            } else if (arg.startsWith("-")) {
                err.println("unknown option " + arg);
                return usage(err);
            } else {
                files.add(arg);
            }
        }
        if (files.isEmpty()) {
            return usage(err);
        }
        SecretSource secrets = checkSecrets ? new FileSecrets() : new SecretSource() {
            @Override
            public Optional<String> env(String name) {
                return Optional.of("(not checked)");
            }

            @Override
            public String file(String path) {
                return "(not checked)";
            }
        };
        PolicyParser parser = new PolicyParser();
        PolicyCompiler compiler = new PolicyCompiler(Strategies.names(), Strategies.priced(), ProviderFactory.TYPES,
                secrets);
        int exit = 0;
        for (String file : files) {
            try {
                String yaml = Files.readString(Path.of(file), StandardCharsets.UTF_8);
                var table = compiler.compile(parser.parse(yaml, file), file);
                out.println(file + ": valid");
                table.warnings().forEach(warning -> out.println("  warning: " + warning));
            } catch (PolicyException e) {
                exit = 1;
                err.println(file + ": invalid");
                e.problems().forEach(problem -> err.println("  " + problem));
            } catch (IOException e) {
                exit = 1;
                err.println(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
            }
        }
        return exit;
    }

    private static int usage(PrintStream err) {
        err.println("usage: switchboard validate [--check-secrets] FILE...");
        return 2;
    }
}
