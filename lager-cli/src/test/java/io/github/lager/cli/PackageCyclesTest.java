package io.github.lager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * No package cycle between lager's packages, read by the JDK's jdeps from the compiled classes of
 * lager-cli and every module it depends on (the reactor builds them before lager-cli's tests): any
 * cycle fails, naming its packages.
 */
class PackageCyclesTest {
  private static final Pattern EDGE = Pattern.compile(
      "^\\s+(io\\.github\\.lager\\.[\\w.]+)\\s+->\\s+(io\\.github\\.lager\\.[\\w.]+)\\s");

  @Test
  void noPackageCycle() throws Exception {
    Path root = Path.of(System.getProperty("lager.project.root", ".."));
    List<String> dirs = new ArrayList<>();
    for (String module : List.of("lager-core", "lager-train", "lager-eval", "lager-hf",
        "lager-backend-djl", "lager-backend-onnx", "lager-cli")) {
      Path classes = root.resolve(module).resolve("target/classes");
      assumeTrue(Files.isDirectory(classes), classes + " is not built");
      dirs.add(classes.toString());
    }
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElse(null);
    assumeTrue(jdeps != null, "this JDK has no jdeps");
    List<String> args = new ArrayList<>(List.of("-verbose:package", "-cp",
        String.join(java.io.File.pathSeparator, dirs)));
    args.addAll(dirs);
    StringWriter out = new StringWriter();
    int code = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
        args.toArray(String[]::new));
    assertThat(code).as(out.toString()).isZero();
    Map<String, Set<String>> graph = new HashMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find() && !m.group(1).equals(m.group(2))) {
        graph.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(m.group(2));
      }
    }
    assertThat(graph).as("jdeps found lager's packages").containsKey("io.github.lager.eval");
    assertThat(graph).as("jdeps found lager-hf's layers").containsKeys("io.github.lager.hf",
        "io.github.lager.hf.model", "io.github.lager.hf.architecture");
    assertThat(cycles(graph)).as("package cycles").isEmpty();
  }

  /** The strongly connected groups of more than one package (Tarjan). */
  private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String v : new TreeSet<>(graph.keySet())) {
      if (!index.containsKey(v)) {
        connect(v, graph, index, low, stack, onStack, out, counter);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> graph,
      Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
      Set<String> onStack, List<Set<String>> out, int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> group = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        group.add(w);
      } while (!w.equals(v));
      if (group.size() > 1) {
        out.add(group);
      }
    }
  }
}
