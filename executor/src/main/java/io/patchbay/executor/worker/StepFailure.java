package io.patchbay.executor.worker;

import io.patchbay.contracts.work.FailureClass;

/**
 * Why a step of a run failed, with its class: the patch's own fault (it does not apply, a command
 * or gate failed, it ran past its time, a precondition does not hold) or, for INFRASTRUCTURE, the
 * worker's. The message is the reason a person reads; the detail (an output tail, the anchor an
 * insert did not find) may be null.
 */
final class StepFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final FailureClass failureClass;
    private final String detail;

    StepFailure(FailureClass failureClass, String reason, String detail) {
        super(reason);
        this.failureClass = failureClass;
        this.detail = detail;
    }

    FailureClass failureClass() {
        return failureClass;
    }

    String reason() {
        return getMessage();
    }

    String detail() {
        return detail;
    }
}
