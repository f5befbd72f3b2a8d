package io.patchbay.executor.worker;

import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.util.function.Consumer;

/** Runs one work order to its terminal result; {@link PatchRunner#run} is the real one. */
@FunctionalInterface
interface OrderRunner {
    WorkResult run(WorkOrder order, Consumer<WorkResult> progress) throws InterruptedException;
}
