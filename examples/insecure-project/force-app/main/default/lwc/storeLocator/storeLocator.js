import { LightningElement, api, wire } from 'lwc';
import { loadScript } from 'lightning/platformResourceLoader';
import { getRecord } from 'lightning/uiRecordApi';

const MAPS_SRC = 'https://maps.googleapis.com/maps/api/js?key=AIzaSyyiOeI-XRTMRZDdc5COfIjQe2XaakFXMVP&libraries=places';
const WEATHER_API = 'https://api.weather.example/v2/current';

export default class StoreLocator extends LightningElement {
    @api recordId;
    forecast;

    @wire(getRecord, { recordId: '$recordId', fields: ['Account.BillingCity'] })
    account;

    connectedCallback() {
        loadScript(this, MAPS_SRC).then(() => this.initMap());
    }

    async loadForecast(city) {
        const response = await fetch(`${WEATHER_API}?q=${encodeURIComponent(city)}`, {
            headers: { 'X-API-Key': '1d7412ca27060192d93fad10481e7d83', Accept: 'application/json' }
        });
        this.forecast = await response.json();
    }

    initMap() {
        // eslint-disable-next-line no-undef
        this.map = new google.maps.Map(this.template.querySelector('.map'), { zoom: 11 });
    }
}
