/** @odoo-module **/
// Browser tests of the marketplace suite, started by marketplace_connector/tests/test_tours.py.
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/** A value the Python test stored in sessionStorage before starting the tour. */
function tourParam(name) {
    return window.sessionStorage.getItem(`marketplace_tour_${name}`) || "";
}

// (a) An admin creates an Octopia channel pointing at the simulator and tests the connection.
tours.add("marketplace_channel_setup_tour", {
    steps: () => [
        {
            content: "Name the new channel",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Tour Octopia",
        },
        {
            content: "Pick the Octopia type",
            trigger: ".o_field_widget[name=channel_type] select",
            run: 'select "octopia"',
        },
        {
            content: "The form explains where to find the Octopia credentials",
            trigger: "div[name=setup_help]:contains(Octopia Seller API)",
        },
        {
            content: "The production URL is suggested",
            trigger: ".o_field_widget[name=base_url] input:value(api.octopia-io.net)",
        },
        {
            content: "Point the channel at the simulator",
            trigger: ".o_field_widget[name=base_url] input",
            async run(helpers) {
                await helpers.edit(tourParam("simulator_url"));
            },
        },
        {
            trigger: ".o_field_widget[name=api_account] input",
            async run(helpers) {
                await helpers.edit(tourParam("seller_id"));
            },
        },
        {
            trigger: ".o_field_widget[name=api_login] input",
            async run(helpers) {
                await helpers.edit(tourParam("client_id"));
            },
        },
        {
            trigger: ".o_field_widget[name=api_secret] input",
            async run(helpers) {
                await helpers.edit(tourParam("client_secret"));
            },
        },
        {
            content: "Test the connection (saves the channel first)",
            trigger: ".o_statusbar_buttons button[name=action_test_connection]",
            run: "click",
        },
        {
            content: "A success notification lists what was verified",
            trigger: ".o_notification:contains(Connection succeeded):contains(✓)",
        },
        {
            content: "The form shows the verified checks",
            trigger: "div[name=connection_ok]:contains(Connection verified):contains(✓)",
        },
        {
            content: "The status bar says Connected",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Connected)",
        },
        {
            content: "The set-up guide steps aside once connected",
            trigger: ".o_form_view:not(:has(div[name=setup_help]:visible))",
        },
    ],
});

// (b) From the dashboard, a user opens an imported order to ship, validates its delivery and
// ships it on the marketplace.
tours.add("marketplace_ship_tour", {
    steps: () => [
        {
            content: "The dashboard card counts the orders to ship",
            trigger: ".o_kanban_record:contains(Octopia simulator) a[name=action_open_kpi_to_ship]:contains(" +
                tourParam("to_ship") + ")",
        },
        {
            content: "One click opens them",
            trigger: ".o_kanban_record:contains(Octopia simulator) a[name=action_open_kpi_to_ship]",
            run: "click",
        },
        {
            content: "Open the order",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(" + tourParam("order_name") + ")",
            run: "click",
        },
        {
            content: "Open the delivery of the imported order",
            trigger: ".o_form_view button[name=action_view_delivery]",
            run: "click",
        },
        {
            content: "Validate the delivery",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "Back to the order",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a:contains(" + tourParam("order_name") + ")",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_breadcrumb .active:contains(" + tourParam("order_name") + ")",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: "Ship on marketplace",
            trigger: ".o-dropdown--menu .dropdown-item:contains(Ship on marketplace)",
            run: "click",
        },
        {
            content: "Open the Marketplace tab",
            trigger: ".o_notebook .nav-link:contains(Marketplace)",
            run: "click",
        },
        {
            content: "The shipment is reported as sent",
            trigger: ".o_field_widget[name=ship_sync_state]:contains(Sent)",
        },
    ],
});

// (c) An accountant opens an intra-EU B2B invoice and sees the reverse-charge mention.
tours.add("marketplace_reverse_charge_tour", {
    steps: () => [
        {
            content: "Find the legal mentions, wherever the invoice form shows them (a notebook page or not)",
            trigger: ".o_form_view .o_form_sheet",
            async run() {
                const found = () => document.querySelector(".o_field_widget[name=marketplace_legal_mention]");
                for (const tab of document.querySelectorAll(".o_form_view .o_notebook .nav-link")) {
                    if (found()) {
                        break;
                    }
                    tab.click();
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
            },
        },
        {
            content: "The reverse-charge mention is shown",
            trigger: ".o_form_view .o_field_widget[name=marketplace_legal_mention]:contains(Autoliquidation)",
        },
    ],
});
