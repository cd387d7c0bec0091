"""Where jobs run: a local pool of worker processes, or a Dask distributed cluster.

Both take ``Task``s (a module-level function and picklable arguments, tagged with
the file they belong to) and hand back ``Outcome``s as they complete. The pipeline
decides what to run next; an executor only runs it.

``LocalPool`` is a small pool of our own rather than ``ProcessPoolExecutor``,
because a task that overruns ``--timeout`` must be stopped: the pool knows which
worker runs which task, kills that worker's process group (the worker and the
tesseract it started) and starts a fresh worker, and the other tasks run on.
Workers are started from a forkserver (cheap to replace, and safe while the
main process runs threads), start only when there is work for them, ignore
Ctrl-C (the main process decides how to stop) and die with their parent.

``DaskPool`` submits the same tasks to a Dask scheduler. Input paths must be
readable at the same path on every Dask worker (shared storage); results come
back to this process, which alone writes OUTDIR. It refuses a cluster whose
workers run another extractor version (their rows would carry the wrong one).
A task that overruns ``--timeout`` is cancelled and its worker restarted by its
nanny.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_for

from malrapport.extract.errors import ExitCode, MalrapportError

PRELOAD = ["malrapport.extract.jobs", "malrapport.extract.pipeline"]
STOP_GRACE = 2.0  # seconds a worker gets to exit after being asked to
DASK_CONNECT_TIMEOUT = 20.0
DASK_CAPACITY_REFRESH = 5.0  # seconds between looks at the cluster's thread count


class ExecutorError(MalrapportError):
    """The executor cannot be started (dask missing, scheduler unreachable)."""

    kind = "executor"
    exit_code = ExitCode.USAGE


class WorkerLost(MalrapportError):
    """The process running a task died (crash, out of memory, killed from outside)."""

    kind = "worker_crashed"


class RemoteJobError(MalrapportError):
    """A job failed with an exception that could not be sent back as itself."""


@dataclass(frozen=True)
class Task:
    id: int
    group: int  # the file the task belongs to
    fn: Callable
    args: tuple


@dataclass
class Outcome:
    task: Task
    value: object = None
    error: BaseException | None = None
    seconds: float = 0.0  # time from hand-over to result


# --- the local pool --------------------------------------------------------------


def _detach_from_terminal() -> None:
    """In a worker: own process group (killable with its children), no Ctrl-C,
    and (Linux) killed when the parent dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _portable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RemoteJobError(f"{type(error).__name__}: {error}")


def worker_main(conn) -> None:
    """A worker's loop: receive (id, fn, args), send (id, ok, value or error)."""
    from malrapport.extract.without_pandas import block_pandas

    _detach_from_terminal()
    block_pandas()  # 50 MB a worker that pyarrow would take for nothing
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, fn, args = message
        try:
            reply = (task_id, True, fn(*args))
        except Exception as e:
            reply = (task_id, False, _portable(e))
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            conn.send((task_id, False, RemoteJobError(f"the result could not be sent back: {e}")))
        except (BrokenPipeError, OSError):
            return


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=worker_main, args=(child,), daemon=True,
                                name="malrapport-worker")
        self.proc.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def kill(self) -> None:
        for target in (lambda: os.killpg(self.proc.pid, signal.SIGKILL),
                       lambda: os.kill(self.proc.pid, signal.SIGKILL)):
            try:
                target()
                break
            except (ProcessLookupError, PermissionError, OSError):
                continue
        self.proc.join(STOP_GRACE)
        self.conn.close()


class LocalPool:
    """Up to ``workers`` processes, one task each at a time."""

    def __init__(self, workers: int):
        self.capacity = workers
        self._ctx = _context()
        self._workers: list[_Worker] = []
        self._lost: list[Outcome] = []

    def free(self) -> int:
        return self.capacity - sum(1 for w in self._workers if w.task is not None)

    def alive(self) -> int:
        """Worker processes started and not stopped."""
        return len(self._workers)

    def submit(self, task: Task) -> None:
        worker = next((w for w in self._workers if w.task is None), None)
        if worker is None:
            if len(self._workers) >= self.capacity:
                raise RuntimeError("LocalPool.submit with no free worker")
            worker = _Worker(self._ctx)
            self._workers.append(worker)
        worker.task, worker.started = task, time.monotonic()
        try:
            worker.conn.send((task.id, task.fn, task.args))
        except (BrokenPipeError, OSError):
            self._replace(worker)

    def running(self) -> list[tuple[Task, float]]:
        return [(w.task, w.started) for w in self._workers if w.task is not None]

    def poll(self, timeout: float) -> list[Outcome]:
        """Outcomes of tasks that finished (or whose worker died) within ``timeout`` seconds."""
        out, self._lost = self._lost, []
        busy = [w for w in self._workers if w.task is not None]
        if out or not busy:
            return out
        ready = set(wait_for([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout))
        now = time.monotonic()
        for w in busy:
            if w.conn in ready or (w.proc.sentinel in ready and w.conn.poll()):
                try:
                    _, ok, value = w.conn.recv()
                except (EOFError, OSError):
                    self._replace(w)
                    continue
                out.append(Outcome(w.task, value if ok else None, None if ok else value,
                                   now - w.started))
                w.task = None
            elif w.proc.sentinel in ready:
                self._replace(w)
        out, self._lost = out + self._lost, []
        return out

    def _replace(self, worker: _Worker) -> None:
        """Forget a worker that died; its task comes back as ``WorkerLost``."""
        task = worker.task
        worker.proc.join(STOP_GRACE)
        code = worker.proc.exitcode
        worker.kill()
        self._workers.remove(worker)
        if task is not None:
            how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
                   and -code in signal.valid_signals() else f"exit code {code}")
            error = WorkerLost(f"the worker process died during the job ({how})")
            self._lost.append(Outcome(task, error=error, seconds=time.monotonic() - worker.started))

    def kill(self, group: int) -> list[Task]:
        """Stop every running task of ``group``; their workers are killed and not reused."""
        killed = []
        for w in [w for w in self._workers if w.task is not None and w.task.group == group]:
            killed.append(w.task)
            w.task = None
            w.kill()
            self._workers.remove(w)
        return killed

    def close(self) -> None:
        """Ask idle workers to exit; kill the rest."""
        for w in self._workers:
            if w.task is None:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        deadline = time.monotonic() + STOP_GRACE
        for w in self._workers:
            if w.task is None:
                w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive() or w.task is not None:
                w.kill()
            else:
                w.conn.close()
        self._workers = []

    def abort(self) -> None:
        for w in self._workers:
            w.kill()
        self._workers = []


# --- Dask --------------------------------------------------------------------------


class DaskPool:
    """The same tasks on a Dask distributed cluster (``--scheduler tcp://HOST:PORT``)."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError as e:
            raise ExecutorError("--executor dask needs dask.distributed: "
                                "pip install 'malrapport[cluster]'") from e
        try:
            self.client = Client(address, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as e:  # ValueError: no address
            raise ExecutorError(f"cannot reach the dask scheduler at {address}: {e}") from e
        self._futures: dict = {}  # future -> (task, submitted)
        self._capacity, self._capacity_at = 1, -DASK_CAPACITY_REFRESH
        self._check_workers()

    def _check_workers(self) -> None:
        """Every connected worker must run this extractor version (rows carry it)."""
        expected = extractor_version()
        try:
            found = self.client.run(extractor_version)
        except Exception as e:  # e.g. malrapport not installed on a worker
            self.client.close()
            raise ExecutorError(f"a dask worker cannot run malrapport: {type(e).__name__}: {e}") from e
        wrong = {w: v for w, v in found.items() if v != expected}
        if wrong:
            self.client.close()
            raise ExecutorError(f"dask workers with another malrapport extractor version than "
                                f"this one ({expected}): {wrong}")

    @property
    def capacity(self) -> int:
        now = time.monotonic()
        if now - self._capacity_at >= DASK_CAPACITY_REFRESH:
            self._capacity = max(1, sum(self.client.nthreads().values()))
            self._capacity_at = now
        return self._capacity

    def free(self) -> int:
        return self.capacity - len(self._futures)

    def submit(self, task: Task) -> None:
        key = f"malrapport-{task.fn.__name__}-{task.group}-{task.id}-{os.getpid()}-{id(self)}"
        future = self.client.submit(task.fn, *task.args, key=key, pure=False)
        self._futures[future] = (task, time.monotonic())

    def running(self) -> list[tuple[Task, float]]:
        return list(self._futures.values())

    def poll(self, timeout: float) -> list[Outcome]:
        from distributed import wait

        if not self._futures:
            return []
        try:
            with self.client.as_current():
                done, _ = wait(list(self._futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        out, now = [], time.monotonic()
        for future in done:
            task, submitted = self._futures.pop(future)
            outcome = Outcome(task, seconds=now - submitted)
            if future.status == "finished":
                outcome.value = future.result()
            elif future.status == "error":
                error = future.exception()
                lost = type(error).__name__ == "KilledWorker"
                outcome.error = WorkerLost(str(error)) if lost else error
            else:
                outcome.error = WorkerLost(f"dask task {future.key} is {future.status}")
            future.release()
            out.append(outcome)
        return out

    def kill(self, group: int) -> list[Task]:
        """Cancel the group's tasks and restart the dask workers that were running them."""
        mine = [f for f, (t, _) in self._futures.items() if t.group == group]
        keys = {f.key for f in mine}
        try:
            processing = self.client.processing()
            workers = [w for w, ks in processing.items() if keys & set(ks)]
        except Exception:  # an unreachable scheduler: the cancel below still frees our slots
            workers = []
        killed = [self._futures.pop(f)[0] for f in mine]
        self.client.cancel(mine, force=True)
        if workers:
            try:
                self.client.restart_workers(workers, raise_for_error=False)
            except Exception:
                pass  # a worker without a nanny cannot be restarted; its task is cancelled
        return killed

    def close(self) -> None:
        if self._futures:
            self.client.cancel(list(self._futures), force=True)
        self._futures = {}
        self.client.close()

    abort = close


def extractor_version() -> str:
    from malrapport.extract.pipeline import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def start_forkserver() -> None:
    """Start the forkserver the local pool's workers come from, and do not wait for it:
    its imports (a quarter of a second) then run beside the main process's own start
    (arguments, profiles, OUTDIR), and the first worker is ready that much sooner. No
    worker starts before there is work for it; once started, the server stays up."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def make_pool(executor: str, workers: int, scheduler: str | None):
    if executor == "dask":
        if not scheduler:
            raise ExecutorError("--executor dask needs --scheduler tcp://HOST:PORT")
        return DaskPool(scheduler)
    return LocalPool(workers)
