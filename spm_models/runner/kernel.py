"""The kernel manager the runner's notebooks run on."""

from __future__ import annotations

from jupyter_client.manager import AsyncKernelManager


class QuietKernelManager(AsyncKernelManager):
    """A kernel manager that does not interrupt a kernel it is shutting down.

    jupyter_client sends SIGINT before every shutdown request, in case the kernel is busy. A
    papermill kernel is idle by then (every cell has finished), and the signal only makes it
    log "KeyboardInterrupt caught in kernel" or, when it lands inside a socket poll, abort
    with a libzmq assertion on the terminal. The shutdown request alone stops it; a kernel
    that does not stop is still killed by the manager after its wait.
    """

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()
