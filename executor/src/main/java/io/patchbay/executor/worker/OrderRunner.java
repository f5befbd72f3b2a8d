package io.patchbay.executor.worker;

import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.util.function.Consumer;

/**
 * Runs one work order to its terminal result; {@link PatchRunner#run} is the real one. A thrown
 * {@code cancellation} asks it to stop and report the order as cancelled.
 */
@FunctionalInterface
interface OrderRunner {
    WorkResult run(WorkOrder order, Consumer<WorkResult> progress, Cancellation cancellation) throws InterruptedException;
}
