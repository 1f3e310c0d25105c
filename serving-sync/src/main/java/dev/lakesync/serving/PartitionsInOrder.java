package dev.lakesync.serving;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaRDD;

/**
 * An RDD's elements partition after partition, like {@code toLocalIterator}, but with the next partitions computed
 * while the caller consumes the current one. {@code toLocalIterator} runs one job per partition, one after the
 * other, so the last stage (here: joining and writing each document's JSON) used one core of the machine; this keeps
 * {@code ahead} partition jobs running at once. At most {@code ahead + 1} partitions are held in memory.
 */
final class PartitionsInOrder<T> implements Iterator<T> {
  private final JavaRDD<T> rdd;
  private final ExecutorService pool;
  private final int partitions;
  private final Deque<Future<List<T>>> running = new ArrayDeque<>();
  private int nextToStart;
  private Iterator<T> current = Collections.emptyIterator();

  /** Starts the first {@code ahead} partitions on {@code pool} (which should have {@code ahead} threads). */
  PartitionsInOrder(JavaRDD<T> rdd, int ahead, ExecutorService pool) {
    if (ahead < 1) {
      throw new IllegalArgumentException("ahead must be at least 1, was " + ahead);
    }
    this.rdd = rdd;
    this.pool = pool;
    this.partitions = rdd.getNumPartitions();
    for (int i = 0; i < ahead; i++) {
      startNext();
    }
  }

  private void startNext() {
    if (nextToStart < partitions) {
      int partition = nextToStart++;
      running.add(pool.submit(() -> rdd.collectPartitions(new int[] {partition})[0]));
    }
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && !running.isEmpty()) {
      Future<List<T>> oldest = running.poll();
      startNext();
      try {
        current = oldest.get().iterator();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading partitions", e);
      } catch (ExecutionException e) {
        running.clear(); // the jobs already started end on their own; nothing reads them
        throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
            : new IllegalStateException(e.getCause().getMessage(), e.getCause());
      }
    }
    return current.hasNext();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }
}
