"""Connecting to Dask: an existing cluster by address, or a LocalCluster on this machine.

Dask is an optional extra (``pip install 'spm-workbench[dask]'``); everything runs without it
on local processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


def connect(scheduler: str | None = None, n_workers: int = 2):
    """A Dask client: to ``scheduler`` (e.g. ``tcp://host:8786``) or to a new LocalCluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler; ``None`` starts a LocalCluster.
    n_workers : int
        Worker processes of the LocalCluster (one thread each).

    Raises
    ------
    ImportError
        With install instructions, when dask.distributed is not installed.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # the default install stays light
        raise ImportError(
            "running on Dask needs the optional extra: pip install 'spm-workbench[dask]'"
        ) from exc
    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster)


def close(client) -> None:
    """Close a client and, when it started its own LocalCluster, that cluster too."""
    from distributed import LocalCluster

    cluster = getattr(client, "cluster", None)
    client.close()
    if isinstance(cluster, LocalCluster):
        cluster.close()


@contextmanager
def dask_client(scheduler: str | None, *, local: bool, n_workers: int = 2) -> Iterator:
    """Yield a client when asked for one (``local`` or a ``scheduler``), else ``None``."""
    if not (local or scheduler):
        yield None
        return
    client = connect(scheduler, n_workers=n_workers)
    try:
        yield client
    finally:
        close(client)
