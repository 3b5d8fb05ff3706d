"""Performance indicators in the interface: definitions, values grid, chart, dashboard tiles."""

from scp_desktop.ui.indicators.tiles import IndicatorTilesWidget
from scp_desktop.ui.indicators.window import IndicatorsWindow

__all__ = ["IndicatorTilesWidget", "IndicatorsWindow"]
