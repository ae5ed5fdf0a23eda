package io.github.lager.hf.checkpoint;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Releases a file mapping now instead of whenever the garbage collector finds its buffer (the JDK
 * has no public unmap before Java 21's Arena): through {@code sun.misc.Unsafe.invokeCleaner}, as
 * Lucene's MMapDirectory does. Otherwise a loaded checkpoint's pages stay mapped, and counted in
 * the process's resident memory, for as long as the heap is quiet. Best effort: without access to
 * the cleaner, mappings are left to the collector.
 *
 * <p>Only for mappings nothing reads any more: touching an unmapped buffer crashes the JVM.
 */
final class FileMappings {
  private static final MethodHandle CLEANER = cleaner();

  private FileMappings() {}

  static void release(MappedByteBuffer buffer) {
    if (CLEANER == null || buffer == null) {
      return;
    }
    try {
      CLEANER.invokeExact((ByteBuffer) buffer);
    } catch (Throwable ignored) {
      // left to the collector
    }
  }

  private static MethodHandle cleaner() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Object unsafe = f.get(null);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
