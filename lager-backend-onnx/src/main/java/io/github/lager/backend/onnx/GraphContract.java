package io.github.lager.backend.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.lager.core.InvalidInputException;
import io.github.lager.hf.architecture.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hidden-state graph contract v1 (docs/method.md section 6) and its check. A graph that does
 * not follow it is refused with one message listing everything that is missing or wrong, and how
 * to export a graph that follows it.
 *
 * <ul>
 *   <li>inputs {@code input_ids}, {@code attention_mask}: int64 {@code [batch, seq]}, left padded;
 *   <li>outputs {@code hidden_states}: float32 {@code [L+1, batch, hidden]} at the last position;
 *       {@code logits}: float32 {@code [batch, vocab]} at the last position;
 *   <li>metadata {@code lager.contract=hidden-states-v1}, {@code lager.num_hidden_layers},
 *       {@code lager.hidden_size}, {@code lager.model_type},
 *       {@code lager.last_entry_final_norm=true}, agreeing with config.json.
 * </ul>
 */
final class GraphContract {
  static final String CONTRACT = "hidden-states-v1";
  static final String HOW_TO_EXPORT = "export one with tools/export_onnx.py (docs/onnx.md)";

  /** A tensor's element type and shape (-1 for a dynamic dimension). */
  record Tensor(OnnxJavaType type, long[] shape) {}

  /** What the check needs of a graph. */
  record Description(Map<String, Tensor> inputs, Map<String, Tensor> outputs,
      Map<String, String> metadata) {}

  private GraphContract() {}

  static Description describe(OrtSession session) throws OrtException {
    return new Description(tensors(session.getInputInfo()), tensors(session.getOutputInfo()),
        session.getMetadata().getCustomMetadata());
  }

  private static Map<String, Tensor> tensors(Map<String, NodeInfo> nodes) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo t) {
        out.put(e.getKey(), new Tensor(t.type, t.getShape()));
      }
    }
    return out;
  }

  /** Fails listing every problem of {@code graph} against the contract and {@code config}. */
  static void check(Description graph, ModelConfig config, Path file) {
    List<String> problems = new ArrayList<>();
    String contract = graph.metadata().get("lager.contract");
    if (contract == null) {
      problems.add("metadata lager.contract is missing (this is not a lager hidden-state graph;"
          + " a standard export emits only logits)");
    } else if (!contract.equals(CONTRACT)) {
      problems.add("metadata lager.contract is '" + contract + "', this lager reads '" + CONTRACT + "'");
    }
    tensor(graph.inputs(), "input", "input_ids", OnnxJavaType.INT64, 2, problems);
    tensor(graph.inputs(), "input", "attention_mask", OnnxJavaType.INT64, 2, problems);
    Tensor hidden = tensor(graph.outputs(), "output", "hidden_states", OnnxJavaType.FLOAT, 3, problems);
    Tensor logits = tensor(graph.outputs(), "output", "logits", OnnxJavaType.FLOAT, 2, problems);
    int entries = config.numHiddenLayers() + 1;
    if (hidden != null && hidden.shape().length == 3) {
      dim(hidden.shape()[0], entries, "output hidden_states dimension 0 (L+1 entries)", problems);
      dim(hidden.shape()[2], config.hiddenSize(), "output hidden_states dimension 2 (hidden size)",
          problems);
    }
    if (logits != null && logits.shape().length == 2) {
      dim(logits.shape()[1], config.vocabSize(), "output logits dimension 1 (vocabulary)", problems);
    }
    meta(graph.metadata(), "lager.num_hidden_layers", Integer.toString(config.numHiddenLayers()),
        problems);
    meta(graph.metadata(), "lager.hidden_size", Integer.toString(config.hiddenSize()), problems);
    meta(graph.metadata(), "lager.model_type", config.modelType(), problems);
    meta(graph.metadata(), "lager.last_entry_final_norm", "true", problems);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(file + " is not a hidden-state graph (contract v1) for this"
          + " model: " + String.join("; ", problems) + ". " + HOW_TO_EXPORT);
    }
  }

  private static Tensor tensor(Map<String, Tensor> tensors, String kind, String name,
      OnnxJavaType type, int rank, List<String> problems) {
    Tensor t = tensors.get(name);
    if (t == null) {
      problems.add(kind + " " + name + " is missing (the graph has " + tensors.keySet() + ")");
      return null;
    }
    if (t.type() != type || t.shape().length != rank) {
      problems.add(kind + " " + name + " is " + t.type() + " of rank " + t.shape().length
          + ", expected " + type + " of rank " + rank);
    }
    return t;
  }

  private static void dim(long actual, long expected, String what, List<String> problems) {
    if (actual >= 0 && actual != expected) {
      problems.add(what + " is " + actual + ", config.json says " + expected);
    }
  }

  private static void meta(Map<String, String> metadata, String key, String expected,
      List<String> problems) {
    String v = metadata.get(key);
    if (v == null) {
      problems.add("metadata " + key + " is missing");
    } else if (!v.equals(expected)) {
      problems.add("metadata " + key + " is '" + v + "', config.json says '" + expected + "'");
    }
  }
}
