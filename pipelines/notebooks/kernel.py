"""The notebooks' kernel: the project's own Python (``.venv``), whichever way it is started.

- Headless (the pipeline, tests): :class:`ProjectKernelManager` knows the kernel ``gongkai``
  without any file on disk, its command being ``sys.executable -m ipykernel_launcher``. A
  fresh clone runs the notebooks without ``ipykernel install --user`` or a home directory.
- JupyterLab (``make lab``): ``python -m pipelines.notebooks.kernel`` writes the same spec into
  the environment's own ``share/jupyter/kernels/gongkai`` (``--sys-prefix``), so the kernel is
  offered by the venv's JupyterLab only and nothing is written to the user's home.
"""

from __future__ import annotations

import sys
from typing import Any

import zmq
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

KERNEL_NAME = "gongkai"
DISPLAY_NAME = "Gongkai（项目 Python）"


def kernel_spec() -> dict[str, Any]:
    """The kernel spec of the project's Python: the interpreter running this code."""
    return {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": True, "supported_encryption": ["curve"]},
    }


class ProjectKernelSpecManager(KernelSpecManager):
    """Kernel specs as usual, plus ``gongkai`` from memory."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """The spec of ``kernel_name``; ``gongkai`` is always the current interpreter."""
        if kernel_name == KERNEL_NAME:
            from ipykernel.kernelspec import RESOURCES

            return KernelSpec(resource_dir=RESOURCES, **kernel_spec())
        return super().get_kernel_spec(kernel_name)

    def find_kernel_specs(self) -> dict[str, str]:
        """Installed kernel specs, with ``gongkai`` listed even when not installed."""
        from ipykernel.kernelspec import RESOURCES

        return {**super().find_kernel_specs(), KERNEL_NAME: RESOURCES}


class ProjectKernelManager(AsyncKernelManager):
    """An nbclient kernel manager that resolves ``gongkai`` through ProjectKernelSpecManager."""

    @default("kernel_spec_manager")
    def _project_kernel_spec_manager(self) -> KernelSpecManager:
        return ProjectKernelSpecManager(data_dir=self.data_dir)

    @default("transport_encryption")
    def _encrypt_when_possible(self) -> str:
        # Outputs carry the county's data; CurveZMQ keeps them off plain TCP (and the kernel
        # stops warning about it) wherever pyzmq was built with it.
        return "auto" if zmq.has("curve") else "disabled"


def install(prefix: str = sys.prefix) -> str:
    """Write the ``gongkai`` kernel spec under ``<prefix>/share/jupyter/kernels``; return its folder."""
    from ipykernel.kernelspec import write_kernel_spec

    source = write_kernel_spec(overrides={"display_name": DISPLAY_NAME})
    return KernelSpecManager().install_kernel_spec(source, KERNEL_NAME, prefix=prefix)


def main() -> int:
    """``python -m pipelines.notebooks.kernel``: install the kernel spec into this environment."""
    path = install()
    try:
        argv0 = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0]
    except NoSuchKernel:
        argv0 = "?"
    print(f"已安装笔记本内核 {KERNEL_NAME}（{DISPLAY_NAME}）：{path}，解释器 {argv0}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
