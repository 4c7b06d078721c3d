"""A Streamlit session spoken over the app's own websocket protocol, as the browser speaks it.

The browser's part of a session is small: it opens `/_stcore/stream`, asks for a script run with the page and
the values of the widgets it shows (`BackMsg.rerun_script`), and draws what comes back (`ForwardMsg`: the
elements, then `script_finished`). A `Wire` does the same without drawing, so the server does exactly the work
it does for a person, at a fraction of a browser's processor time: the load benchmark (bench/load.py) runs
many of them on two cores, and tests use two at once to check sessions stay apart.

Widgets are found by label in the last run's elements and given values as the browser gives them (a select
box's value is its option as shown). A file goes up as the browser sends it: ask for an upload URL, PUT the
file there, then rerun with the uploader's new state. Cookies (Streamlit's XSRF cookie, a proxy's sticky
route) are kept per session and sent with every request.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLsRequest, UploadedFileInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

WIDGETS = {
    "selectbox", "multiselect", "radio", "checkbox", "text_input", "button", "file_uploader",
    "date_input", "text_area", "number_input", "button_group", "dataframe", "vega_lite_chart",
}  # fmt: skip
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class WireError(Exception):
    """The server broke the protocol, refused a request or did not finish a run in time."""


@dataclass
class Run:
    """What one script run sent: its elements in order, and how long it took to finish."""

    page: str
    seconds: float
    elements: list[Element] = field(default_factory=list)

    def of(self, kind: str) -> Iterator[Any]:
        """Every element of a kind ("markdown", "metric", "selectbox", …), as its own message."""
        for element in self.elements:
            if element.WhichOneof("type") == kind:
                yield getattr(element, kind)

    def labels(self, kind: str | None = None) -> list[str]:
        """The labels of the run's widgets (of one kind: "button", "selectbox", …), in order."""
        return [getattr(proto, "label", "") for found, proto in _widgets(self.elements) if kind in (None, found)]

    @property
    def exceptions(self) -> list[str]:
        return [f"{shown.type}: {shown.message}" for shown in self.of("exception")]

    @property
    def errors(self) -> list[str]:
        """The red boxes (st.error) the run showed."""
        return [alert.body for alert in self.of("alert") if alert.format == alert.ERROR]

    def texts(self) -> list[str]:
        """Every word a person reads outside tables and charts: markdown, captions, alerts, metrics, headings."""
        found = [shown.body for shown in self.of("markdown")] + [shown.body for shown in self.of("alert")]
        found += [shown.body for shown in self.of("heading")]
        found += [f"{shown.label} {shown.body}" for shown in self.of("metric")]
        return found

    def tables(self) -> Iterator[bytes]:
        """The Arrow IPC bytes of every table shown (`polars.read_ipc` opens them)."""
        for shown in self.of("dataframe"):
            yield shown.arrow_data.data


def _cookies(response: httpx2.Response, jar: dict[str, str]) -> None:
    for header in response.headers.get_list("set-cookie"):
        name, _, value = header.split(";", 1)[0].partition("=")  # Streamlit's XSRF cookie is sent unquoted
        jar[name.strip()] = value.strip()


class Wire:
    """One browser tab's session of the app at `url`, without the browser."""

    def __init__(self, url: str, *, timeout: float = 120) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.pages: dict[str, str] = {}  # url path → page script hash, from the navigation message
        self.session_id = ""
        self.page = ""  # the url path of the page shown ("" for the default page)
        self.query = ""  # the query string the app last gave the page's URL (the filters, shared as a link)
        self.last: Run | None = None
        self._states: dict[str, WidgetState] = {}
        self._page_hash = ""
        self._socket: Any = None
        self._inbox: asyncio.Queue[ForwardMsg] = asyncio.Queue()
        self._reader: asyncio.Task | None = None
        self._http = httpx2.AsyncClient(timeout=timeout)

    async def open(self, path: str = "", query: str = "") -> Run:
        """Load the page's HTML and ask for the server's health, as the browser does (a proxy's cookie comes
        with the first, Streamlit's XSRF cookie with the second), then open the websocket and run the page."""
        for address in (f"{path}" + (f"?{query}" if query else ""), "_stcore/health"):
            answer = await self._request("GET", f"{self.url}/{address}", headers=self._cookie())
            if answer.status_code != 200:
                raise WireError(f"GET /{address}: HTTP {answer.status_code}")
            _cookies(answer, self.cookies)
        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        protocols = ["streamlit", self.cookies.get("_streamlit_xsrf", "")]
        try:
            self._socket = await websockets.connect(
                ws_url,
                subprotocols=[websockets.Subprotocol(p) for p in protocols if p],
                additional_headers=self._cookie(),
                max_size=None,
                open_timeout=self.timeout,
            )
        except (OSError, TimeoutError, websockets.WebSocketException) as failed:
            raise WireError(f"websocket {ws_url}: {type(failed).__name__}: {failed}") from failed
        self._reader = asyncio.create_task(self._read())
        return await self.rerun(page_name=path, query=query)

    async def _request(self, method: str, url: str, **options) -> httpx2.Response:
        try:
            return await self._http.request(method, url, **options)
        except httpx2.HTTPError as failed:
            raise WireError(f"{method} {url}: {type(failed).__name__}: {failed}") from failed

    async def _send(self, message: BackMsg) -> None:
        try:
            await self._socket.send(message.SerializeToString())
        except websockets.WebSocketException as failed:
            raise WireError(f"the websocket closed: {failed}") from failed

    def _cookie(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        if self._socket is not None:
            await self._socket.close()
        await self._http.aclose()

    async def _read(self) -> None:
        async for payload in self._socket:
            message = ForwardMsg()
            message.ParseFromString(payload)
            await self._inbox.put(message)

    async def _next(self, deadline: float) -> ForwardMsg:
        left = deadline - time.monotonic()
        if self._reader is not None and self._reader.done() and self._inbox.empty():
            raise WireError(f"the websocket closed: {self._reader.exception() or 'by the server'}")
        try:
            return await asyncio.wait_for(self._inbox.get(), timeout=max(left, 0.001))
        except TimeoutError:
            raise WireError(f"no answer within {self.timeout:.0f} s") from None

    # --- runs ------------------------------------------------------------------------------------------------

    async def rerun(self, *, page: str | None = None, page_name: str = "", query: str = "") -> Run:
        """Run the script (on another page by its url path, if `page`) with the widgets' values; wait for it."""
        message = BackMsg()
        if page is not None:
            if page not in self.pages:
                raise WireError(f"no page {page!r} in the navigation: {sorted(self.pages)}")
            self._page_hash, self.page = self.pages[page], page
        message.rerun_script.query_string = query
        message.rerun_script.page_script_hash = self._page_hash
        message.rerun_script.page_name = page_name
        message.rerun_script.widget_states.widgets.extend(self._states.values())
        started = time.monotonic()
        await self._send(message)
        # a trigger (a button) fires once, as in the browser
        self._states = {key: state for key, state in self._states.items() if not state.HasField("trigger_value")}
        self.page = page_name or self.page
        return await self._finish(started)

    async def _finish(self, started: float) -> Run:
        deadline = started + self.timeout
        elements: dict[tuple[int, ...], Element] = {}
        while True:
            message = await self._next(deadline)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                elements = {}  # a new run (also after st.rerun): what it draws replaces the last
                self.session_id = message.new_session.initialize.session_id or self.session_id
                self._page_hash = message.new_session.page_script_hash or self._page_hash
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
                self._page_hash = message.navigation.page_script_hash or self._page_hash
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                elements[tuple(message.metadata.delta_path)] = message.delta.new_element
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            elif kind == "page_not_found":
                raise WireError(f"page not found: {message.page_not_found.page_name!r}")
            elif kind == "script_finished" and message.script_finished in FINISHED:
                ordered = [elements[path] for path in sorted(elements)]
                self.last = Run(page=self.page, seconds=time.monotonic() - started, elements=ordered)
                shown = {getattr(proto, "id", "") for _, proto in _widgets(ordered)}
                self._states = {key: state for key, state in self._states.items() if key in shown}
                return self.last

    # --- widgets ---------------------------------------------------------------------------------------------

    def widget(self, label: str, kind: str | None = None) -> Any:
        """The last run's widget with this label (the first, if several)."""
        for found, proto in _widgets(self._last().elements):
            if kind in (None, found) and getattr(proto, "label", None) == label:
                return proto
        shown = [shown for shown in self._last().labels() if shown]
        raise WireError(f"no widget {label!r} on {self._last().page!r}; labels: {shown}")

    def options(self, label: str) -> list[str]:
        return list(self.widget(label).options)

    async def choose(self, label: str, value: str | Iterable[str] | bool, kind: str | None = None) -> Run:
        """Give a select box, radio, multiselect, text box or checkbox a value as shown; the rerun it starts.

        Several values go to a multiselect; `kind` tells two widgets of one label apart (the sidebar's 县区
        multiselect and a page's 县区 select box)."""
        if kind is None and not isinstance(value, str | bool):
            kind = "multiselect"
        proto = self.widget(label, kind)
        state = WidgetState(id=proto.id)
        if isinstance(value, bool):
            state.bool_value = value
        elif isinstance(value, str):
            state.string_value = value
        else:
            state.string_array_value.data.extend(value)
        self._states[proto.id] = state
        return await self.rerun()

    def fill(self, label: str, value: str) -> None:
        """Type into a text box of a form: sent with the form's submit button, not before."""
        self._states[self.widget(label, "text_input").id] = WidgetState(id=self.widget(label).id, string_value=value)

    async def click(self, label: str) -> Run:
        proto = self.widget(label, "button")
        self._states[proto.id] = WidgetState(id=proto.id, trigger_value=True)
        return await self.rerun()

    async def upload(self, label: str, file: Path) -> Run:
        """Put `file` into the file uploader with this label, as the browser does; the rerun it starts."""
        proto = self.widget(label, "file_uploader")
        request = BackMsg(file_urls_request=FileURLsRequest(
            request_id=uuid.uuid4().hex, session_id=self.session_id, file_names=[file.name]
        ))  # fmt: skip
        await self._send(request)
        deadline = time.monotonic() + self.timeout
        while (message := await self._next(deadline)).WhichOneof("type") != "file_urls_response":
            pass
        urls = message.file_urls_response.file_urls[0]
        upload_url = urllib.parse.urljoin(self.url + "/", urls.upload_url.lstrip("/"))
        answer = await self._request(
            "PUT",
            upload_url,
            files={"file": (file.name, file.read_bytes(), "application/octet-stream")},
            headers={"X-Xsrftoken": self.cookies.get("_streamlit_xsrf", "")} | self._cookie(),
        )
        if answer.status_code not in (200, 204):
            raise WireError(f"upload of {file.name}: HTTP {answer.status_code} {answer.text[:200]}")
        state = WidgetState(id=proto.id)
        state.file_uploader_state_value.uploaded_file_info.append(
            UploadedFileInfo(file_id=urls.file_id, name=file.name, size=file.stat().st_size, file_urls=urls)
        )
        self._states[proto.id] = state
        return await self.rerun()

    async def log_in(self, username: str, password: str) -> Run:
        self.fill("用户名", username)
        self.fill("密码", password)
        return await self.click("登录")

    def _last(self) -> Run:
        if self.last is None:
            raise WireError("no run yet: open the session first")
        return self.last


def _widgets(elements: list[Element]) -> Iterator[tuple[str, Any]]:
    """The widgets among `elements`: each one's kind ("selectbox", "button", …) and its own message."""
    for element in elements:
        if (kind := element.WhichOneof("type")) in WIDGETS:
            yield kind, getattr(element, kind)
