// A thin interop over ApexCharts (wwwroot/lib/apexcharts, loaded by App.razor): Blazor sends plain options and
// points; the formatters, which JSON cannot carry, are chosen here from the chart's unit.
const units = {
    percent: v => `${Number(v).toFixed(1)} %`,
    bytes: v => formatBytes(v),
    bytesPerSecond: v => `${formatBytes(v)}/s`,
};

function formatBytes(value) {
    const steps = ["B", "KiB", "MiB", "GiB", "TiB"];
    let v = Math.abs(Number(value) || 0);
    let i = 0;
    while (v >= 1024 && i < steps.length - 1) { v /= 1024; i++; }
    return `${(Math.sign(value) * v).toFixed(i === 0 ? 0 : 1)} ${steps[i]}`;
}

function options(config) {
    const format = units[config.unit] ?? (v => `${v}`);
    return {
        chart: { type: "area", height: config.height, animations: { enabled: false }, toolbar: { show: false }, zoom: { enabled: false }, fontFamily: "inherit" },
        series: [{ name: config.name, data: config.points }],
        colors: [config.color],
        dataLabels: { enabled: false },
        stroke: { curve: "straight", width: 2 },
        fill: { type: "gradient", gradient: { opacityFrom: 0.35, opacityTo: 0.05 } },
        markers: { size: config.points.length < 3 ? 4 : 0 },
        xaxis: { type: "datetime", min: config.min, max: config.max, labels: { datetimeUTC: false } },
        yaxis: { min: 0, max: config.unit === "percent" ? 100 : undefined, labels: { formatter: format } },
        tooltip: { x: { format: "yyyy-MM-dd HH:mm:ss" }, y: { formatter: format } },
        noData: { text: config.noData },
    };
}

export function render(element, config) {
    destroy(element);
    const chart = new ApexCharts(element, options(config));
    element._bcChart = chart;
    return chart.render();
}

export function update(element, config) {
    if (!element._bcChart) {
        return render(element, config);
    }
    return element._bcChart.updateOptions(options(config), true, false);
}

export function destroy(element) {
    if (element && element._bcChart) {
        element._bcChart.destroy();
        element._bcChart = null;
    }
}
