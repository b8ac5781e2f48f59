"""Python half of the Pyodide sandbox child.

The JavaScript half (main.mjs) runs this file once in a fresh interpreter,
calls ``cut_bridge()`` while the interpreter is still warming up, and later
calls ``run_main(source)`` once, for the only run this interpreter serves.
Both are called straight from JavaScript, so no Pyodide frame sits below the
learner's code on the Python stack.
"""

import asyncio
import builtins
import errno
import gc
import io
import json
import os
import selectors
import sys
import time
import traceback
import types

HOME = "/home/learner"
RUNNER_FILENAME = "<sandbox runner>"

# Frames of this file and of Pyodide's own Python code, which CPython would not
# print for a script.
HIDDEN_FRAME_FILES = (RUNNER_FILENAME, "/lib/python311.zip/_pyodide/", "/lib/python311.zip/pyodide/")

# The same path and name as the bubblewrap backend's, so both backends print
# identical tracebacks: File "/home/learner/main.py", line 3, in <module>.
MAIN_PATH = HOME + "/main.py"
MAIN_ARGV0 = "main.py"

# Modules through which Python code reaches JavaScript objects: `js` is the
# host's global object, `pyodide_js` the Pyodide API with its package loader
# and file system, `_pyodide_core` creates JavaScript objects from Python ones.
BRIDGE_PACKAGES = frozenset({"js", "pyodide_js", "_pyodide_core", "pyodide", "_pyodide"})

# _ctypes reads and writes any address of the interpreter's memory, and a
# subinterpreter starts without this interpreter's audit hook. main.mjs also
# removes their init functions, so importing them yields empty modules.
BLOCKED_PACKAGES = BRIDGE_PACKAGES | {"ctypes", "_ctypes", "_xxsubinterpreters"}

BLOCKED_AUDIT_PREFIXES = ("ctypes.", "cpython.PyInterpreterState_New")


def cut_bridge():
    """Remove every route from Python objects to JavaScript objects.

    CPython has no `js` module, so learners lose nothing they could use under
    CPython. A Python-level cut is not a boundary on its own: the child process
    around this interpreter is.
    """
    core = sys.modules["_pyodide_core"]
    bridge_types = _bridge_types(core)
    bridge_ids = {id(core)} | {id(function) for function in _functions_of(core)} | {id(cls) for cls in bridge_types}

    _restore_cpython_defaults()
    _drop_bridge_modules(bridge_types)
    gc.collect()
    _clear_bridge_references(bridge_types, bridge_ids)
    _disable_constructors(bridge_types)
    sys.meta_path.insert(0, _BlockedModuleFinder())
    sys.addaudithook(_reject_bridge_events)


def _functions_of(module):
    """Return the C functions defined by `module`, such as to_js and create_proxy."""
    return [value for value in vars(module).values() if getattr(value, "__self__", None) is module]


def _bridge_types(core):
    """Return the JsProxy classes, whose instances wrap JavaScript objects."""
    found = set(core.jsproxy_typedict.values())
    found.add(core.JsException)
    for cls in list(found):
        found.update(cls.__mro__)
    found -= {object, BaseException, Exception}
    return found


def _restore_cpython_defaults():
    """Undo Pyodide's import hooks, event loop, extra environment variable and
    made-up name lookups, so all four behave as under CPython in a sandbox."""
    import importlib._bootstrap as bootstrap

    importhook = sys.modules.get("_pyodide._importhook")
    original = getattr(importhook, "orig_get_module_not_found_error", None)
    if original is not None:
        bootstrap._get_module_not_found_error = original

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "JsFinder"]
    # Pyodide's event loop schedules through JavaScript's setTimeout, and it
    # stays marked as running, which makes asyncio.run() refuse to start.
    asyncio.set_event_loop_policy(_TimerOnlyEventLoopPolicy())
    asyncio.events._set_running_loop(None)

    os.environ.pop("LD_LIBRARY_PATH", None)
    _disable_name_resolution()
    _disable_shell()


def _disable_shell():
    """Make os.system and os.popen fail like a host without a shell.

    Emscripten's system() asks Node for a child process, which the permission
    model refuses so hard that the interpreter aborts; a learner would see the
    run killed instead of an ordinary error.
    """
    def unavailable(*args, **kwargs):
        raise OSError(38, "Running other programs is not available in this sandbox")

    os.system = unavailable
    os.popen = unavailable


def _disable_name_resolution():
    """Make host names unresolvable, as in a sandbox without network.

    Emscripten returns a made-up 172.29.x.x address for every name without
    asking any server, so a program would believe it had a network.
    """
    import _socket
    import socket

    def failing_lookup(original):
        def resolve(host, *args, **kwargs):
            # An empty host means "any address", which needs no lookup.
            if isinstance(host, (str, bytes)) and host and not _is_numeric_address(host):
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return original(host, *args, **kwargs)

        return resolve

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        wrapped = failing_lookup(getattr(_socket, name))
        setattr(_socket, name, wrapped)
        if getattr(socket, name, None) is not None and name != "getaddrinfo":
            # socket.py copied these from _socket; its getaddrinfo calls _socket's at run time.
            setattr(socket, name, wrapped)


def _is_numeric_address(host):
    import _socket

    text = host.decode("ascii", "replace") if isinstance(host, bytes) else host
    for family in (_socket.AF_INET, _socket.AF_INET6):
        try:
            _socket.inet_pton(family, text)
            return True
        except (OSError, ValueError):
            pass
    return False


class _TimerOnlySelector(selectors._BaseSelectorImpl):
    """A selector for a process without sockets: select() only waits for timers."""

    # Nothing can wake a loop that waits for no timer, so it rechecks each second
    # until the run's time limit ends it, as CPython would block until killed.
    IDLE_WAIT_SECONDS = 1.0

    def select(self, timeout=None):
        if self._fd_to_key:
            raise OSError(errno.ENOSYS, "asyncio cannot wait for files or sockets in this sandbox")
        time.sleep(self.IDLE_WAIT_SECONDS if timeout is None else max(timeout, 0))
        return []


class _TimerOnlyEventLoop(asyncio.SelectorEventLoop):
    """CPython's event loop without its self-pipe, a socket pair that WebAssembly lacks.

    The self-pipe only wakes the loop from other threads, which Pyodide cannot start.
    """

    def __init__(self):
        super().__init__(_TimerOnlySelector())

    def _make_self_pipe(self):
        self._ssock = None
        self._csock = None

    def _close_self_pipe(self):
        pass


class _TimerOnlyEventLoopPolicy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = _TimerOnlyEventLoop


def _drop_bridge_modules(bridge_types):
    names = [name for name in sys.modules if name.partition(".")[0] in BRIDGE_PACKAGES]
    modules = [sys.modules.pop(name) for name in names]
    for module in modules:
        if type(module) in bridge_types:
            continue
        # Functions of these modules that other objects still reference would
        # reach JavaScript through their globals.
        vars(module).clear()


def _clear_bridge_references(bridge_types, bridge_ids):
    """Delete JsProxy objects and _pyodide_core functions from every dict and list.

    This also empties the copy of _pyodide_core's namespace that CPython keeps
    to re-create the module, so `_imp.create_builtin` gives back an empty module.
    """

    def is_bridge(value):
        return type(value) in bridge_types or id(value) in bridge_ids

    for container in gc.get_objects():
        if type(container) is dict:
            for key in [key for key, value in container.items() if is_bridge(value)]:
                del container[key]
        elif type(container) is list:
            container[:] = [value for value in container if not is_bridge(value)]
        elif type(container).__name__ in ("JsFinder", "JsLoader"):
            # These hold JsProxy objects in attributes that gc does not list as dicts.
            vars(container).clear()


def _disable_constructors(bridge_types):
    """Make the JsProxy classes refuse new instances.

    The classes stay reachable through object.__subclasses__(), and
    JsException(message) would otherwise create a JavaScript Error object.
    Replacing __new__ drops the C constructor for good.
    """
    for cls in bridge_types:
        try:
            cls.__new__ = _raise_no_instances
        except TypeError:
            # Immutable C types, whose constructors already raise TypeError.
            pass


def _raise_no_instances(cls, *args, **kwargs):
    raise TypeError(f"cannot create {cls.__name__!r} instances")


class _BlockedModuleFinder:
    """First finder on sys.meta_path: importlib.import_module() raises no audit
    event, so this gives it the same ModuleNotFoundError as the import statement."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname.partition(".")[0] in BLOCKED_PACKAGES:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def _reject_bridge_events(event, args):
    # An audit hook cannot be removed from Python, so this stays in force even
    # if learner code rebuilds the import system.
    if event == "import" and args[0].partition(".")[0] in BLOCKED_PACKAGES:
        raise ModuleNotFoundError(f"No module named {args[0]!r}", name=args[0])
    if event.startswith(BLOCKED_AUDIT_PREFIXES):
        raise RuntimeError(f"{event} is not available in this sandbox")


def run_main(source):
    """Run `source` as the script main.py, as `python3 -I -B -X utf8 -u main.py` would.

    Returns a JSON object with the process exit code and the name of the
    uncaught exception, if any.
    """
    try:
        return _run_script(source)
    except BaseException as exc:
        # Reporting failed, most likely for lack of memory; the exception's
        # type is all that is left to tell.
        return _outcome(1, type(exc).__name__)


def _run_script(source):
    main_module = _fresh_main_module()
    _use_unbuffered_streams()
    exit_code = 0
    uncaught = None

    try:
        code = compile(source, MAIN_PATH, "exec", dont_inherit=True)
    except SyntaxError as exc:
        # CPython prints a compile error of the script with no traceback header.
        _print_uncaught(exc, None)
        return _outcome(1, type(exc).__name__)

    try:
        exec(code, vars(main_module))
    except SystemExit as exc:
        exit_code = _exit_code_of(exc)
    except BaseException as exc:
        # The first traceback entry is this function's exec() line.
        _print_uncaught(exc, exc.__traceback__.tb_next)
        exit_code = 1
        uncaught = type(exc).__name__
    finally:
        exit_code = _finish_interpreter(exit_code)

    return _outcome(exit_code, uncaught)


def _fresh_main_module():
    module = types.ModuleType("__main__")
    module.__file__ = MAIN_PATH
    module.__builtins__ = builtins
    module.__cached__ = None
    sys.modules["__main__"] = module
    sys.argv = [MAIN_ARGV0]
    # -I keeps the script's folder off sys.path.
    sys.path[:] = [entry for entry in sys.path if entry not in ("", HOME)]
    sys.dont_write_bytecode = True
    return module


def _use_unbuffered_streams():
    """Give Python -u streams: every write reaches the parent at once, so a run
    killed at its time limit still shows what it printed before."""
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(0, "r", closefd=False)),
        encoding="utf-8",
        errors="surrogateescape",
    )
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False),
        encoding="utf-8",
        errors="surrogateescape",
        write_through=True,
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False),
        encoding="utf-8",
        errors="backslashreplace",
        write_through=True,
    )


def _exit_code_of(exc):
    """Map SystemExit to a process exit code as CPython's handle_system_exit does."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        # The operating system keeps the low 8 bits of an exit status.
        return code & 0xFF
    _write_stderr(str(code) + "\n")
    return 1


def _print_uncaught(exc, tb):
    if sys.excepthook is not sys.__excepthook__:
        try:
            sys.excepthook(type(exc), exc, tb)
            return
        except BaseException as hook_error:
            _write_stderr("Error in sys.excepthook:\n")
            traceback.print_exception(hook_error, file=sys.stderr)
            _write_stderr("\nOriginal exception was:\n")

    exc.__traceback__ = tb
    try:
        _hide_runner_frames(exc, set())
        traceback.print_exception(exc, file=sys.stderr)
    except MemoryError:
        # A deep traceback needs memory to format; the last line needs none.
        exc.__traceback__ = None
        _write_stderr(f"{type(exc).__name__}\n")


def _hide_runner_frames(exc, seen):
    """Drop this file's frames (the audit hook's, for one) from `exc` and the exceptions it chains to."""
    if exc is None or id(exc) in seen:
        return
    seen.add(id(exc))

    entries = []
    tb = exc.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(HIDDEN_FRAME_FILES):
            entries.append(tb)
        tb = tb.tb_next

    rebuilt = None
    for entry in reversed(entries):
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    exc.__traceback__ = rebuilt

    _hide_runner_frames(exc.__cause__, seen)
    _hide_runner_frames(exc.__context__, seen)


def _finish_interpreter(exit_code):
    """Run atexit callbacks and flush the streams, as interpreter shutdown does."""
    import atexit

    try:
        atexit._run_exitfuncs()
    except SystemExit as exc:
        exit_code = _exit_code_of(exc)
    except BaseException:
        # atexit prints the traceback of a failing callback itself.
        pass

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    return exit_code


def _write_stderr(text):
    try:
        sys.stderr.write(text)
    except BaseException:
        pass


def _outcome(exit_code, uncaught):
    return json.dumps({"exitCode": exit_code, "uncaught": uncaught})
