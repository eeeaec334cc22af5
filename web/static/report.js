// 随手拍: the position, only when the citizen asks for it and the browser allows it.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("locate");
  if (!button || !navigator.geolocation) {
    if (button) button.hidden = true;
    return;
  }
  const said = document.getElementById("located");
  button.addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(
      (position) => {
        document.getElementById("lat").value = position.coords.latitude.toFixed(6);
        document.getElementById("long").value = position.coords.longitude.toFixed(6);
        said.textContent = button.dataset.done;
      },
      () => { said.textContent = button.dataset.failed; },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });
});
