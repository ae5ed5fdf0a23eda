package io.github.lager.backend.onnx;

import com.google.protobuf.ByteString;
import io.github.lager.backend.onnx.proto.Onnx.AttributeProto;
import io.github.lager.backend.onnx.proto.Onnx.GraphProto;
import io.github.lager.backend.onnx.proto.Onnx.ModelProto;
import io.github.lager.backend.onnx.proto.Onnx.NodeProto;
import io.github.lager.backend.onnx.proto.Onnx.OperatorSetIdProto;
import io.github.lager.backend.onnx.proto.Onnx.StringStringEntryProto;
import io.github.lager.backend.onnx.proto.Onnx.TensorProto;
import io.github.lager.backend.onnx.proto.Onnx.TensorShapeProto;
import io.github.lager.backend.onnx.proto.Onnx.TypeProto;
import io.github.lager.backend.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an ONNX graph node by node with ONNX's own protobuf classes (generated from
 * {@code src/main/proto/onnx.proto}): named inputs and outputs, nodes whose outputs get fresh
 * names under the current scope, small constants inline and weights as external data (a file,
 * a byte offset and a length: no copy of the weights in the model). One writer builds one model.
 */
final class GraphWriter {
  /** ONNX's {@code TensorProto.DataType} codes used here. */
  static final int FLOAT = 1;
  static final int INT64 = 7;
  static final int BOOL = 9;
  static final int FLOAT16 = 10;
  static final int BFLOAT16 = 16;

  /** The operator set the graphs use: plain ONNX ops. */
  static final int OPSET = 17;
  /** The IR version of opset 17. */
  private static final int IR_VERSION = 8;

  /** A node attribute. */
  record Attr(AttributeProto proto) {
    static Attr i(String name, long value) {
      return new Attr(AttributeProto.newBuilder().setName(name)
          .setType(AttributeProto.AttributeType.INT).setI(value).build());
    }

    /** A subgraph attribute (a Loop's {@code body}). */
    static Attr graph(String name, GraphProto value) {
      return new Attr(AttributeProto.newBuilder().setName(name)
          .setType(AttributeProto.AttributeType.GRAPH).setG(value).build());
    }

    static Attr ints(String name, long... values) {
      AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
          .setType(AttributeProto.AttributeType.INTS);
      for (long v : values) {
        b.addInts(v);
      }
      return new Attr(b.build());
    }
  }

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, String> constants = new HashMap<>();
  /** Prefixes every name this writer makes, so that a subgraph's names differ from its outer graph's. */
  private final String prefix;
  private String scope = "";
  private int counter;

  GraphWriter(String name) {
    this(name, "");
  }

  /** A writer whose node and constant names start with {@code prefix} (a subgraph's). */
  GraphWriter(String name, String prefix) {
    graph.setName(name);
    this.prefix = prefix;
  }

  /** The graph written so far (a subgraph for {@link Attr#graph}). */
  GraphProto graph() {
    return graph.build();
  }

  /** Names the nodes written next {@code scope/op_n} (e.g. a layer's). */
  void scope(String name) {
    scope = name.isEmpty() ? "" : name + "/";
  }

  /** A graph input; a dimension is a {@code Long} (fixed) or a {@code String} (named, dynamic). */
  String input(String name, int type, Object... dims) {
    graph.addInput(valueInfo(name, type, dims));
    return name;
  }

  /** Declares {@code value} a graph output under {@code name} (an Identity when renamed). */
  void output(String value, String name, int type, Object... dims) {
    String out = value;
    if (!value.equals(name)) {
      graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(prefix + scope + name)
          .addInput(value).addOutput(name));
      out = name;
    }
    graph.addOutput(valueInfo(out, type, dims));
  }

  private static ValueInfoProto valueInfo(String name, int type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) {
        dim.setDimParam(s);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
  }

  /** A node with one output; returns the output's name. */
  String op(String opType, List<String> inputs, Attr... attrs) {
    return ops(opType, 1, inputs, attrs)[0];
  }

  String op(String opType, String input, Attr... attrs) {
    return op(opType, List.of(input), attrs);
  }

  String op(String opType, String a, String b, Attr... attrs) {
    return op(opType, List.of(a, b), attrs);
  }

  /** A node with {@code outputs} outputs; an empty input name is an omitted optional input. */
  String[] ops(String opType, int outputs, List<String> inputs, Attr... attrs) {
    String name = prefix + scope + opType.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(name)
        .addAllInput(inputs);
    String[] out = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      out[i] = outputs == 1 ? name : name + ":" + i;
      node.addOutput(out[i]);
    }
    for (Attr a : attrs) {
      node.addAttribute(a.proto());
    }
    graph.addNode(node);
    return out;
  }

  /** A 1-D int64 constant (one initializer per distinct value). */
  String longs(long... values) {
    String key = "i64" + Arrays.toString(values);
    return constants.computeIfAbsent(key, k -> {
      ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      for (long v : values) {
        b.putLong(v);
      }
      return initializer(prefix + "const_" + constants.size(), INT64, new long[] {values.length}, b.array());
    });
  }

  /** A scalar int64 constant. */
  String scalarLong(long value) {
    String key = "i64 scalar " + value;
    return constants.computeIfAbsent(key, k -> {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
      return initializer(prefix + "const_" + constants.size(), INT64, new long[0], b.array());
    });
  }

  /** A scalar float32 constant. */
  String scalar(float value) {
    String key = "f32 scalar " + Float.floatToIntBits(value);
    return constants.computeIfAbsent(key, k -> {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
      return initializer(prefix + "const_" + constants.size(), FLOAT, new long[0], b.array());
    });
  }

  /** A float32 tensor written into the model (small tables only: rotary frequencies). */
  String floats(String name, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return initializer(name, FLOAT, new long[] {values.length}, b.array());
  }

  private String initializer(String name, int type, long[] dims, byte[] raw) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
        .setRawData(ByteString.copyFrom(raw));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  /**
   * A weight whose bytes stay in a file beside the model: {@code location} relative to the
   * model's directory, the little-endian data at {@code [offset, offset + length)}.
   */
  String external(String name, int type, long[] dims, String location, long offset, long length) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location))
        .addExternalData(entry("offset", Long.toString(offset)))
        .addExternalData(entry("length", Long.toString(length)));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  /** The model: this graph, opset {@value #OPSET}, and {@code metadata}. */
  ModelProto model(Map<String, String> metadata) {
    ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION)
        .setProducerName("lager").addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("")
            .setVersion(OPSET)).setGraph(graph);
    List<String> keys = new ArrayList<>(metadata.keySet());
    keys.sort(null);
    for (String k : keys) {
      m.addMetadataProps(entry(k, metadata.get(k)));
    }
    return m.build();
  }
}
