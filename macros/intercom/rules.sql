{#- Project rules shared by several models; engine-neutral SQL. -#}

{#- SPEC §1 A: sender_type trimmed and lower-cased onto user / admin / bot (the loader rejects others);
    an author flagged as Intercom's AI agent is a bot whatever its type says. -#}
{% macro intercom_sender_type(column, ai_agent_flag=none) -%}
    case
        {% if ai_agent_flag is not none -%}
        when {{ ai_agent_flag }} then 'bot'
        {% endif -%}
        when lower(trim({{ column }})) in ('user', 'lead', 'contact') then 'user'
        when lower(trim({{ column }})) in ('admin', 'teammate', 'team') then 'admin'
        when lower(trim({{ column }})) = 'bot' then 'bot'
    end
{%- endmacro %}


{#- SPEC §1 A: part_type trimmed and lower-cased, empty meaning `comment`; export tools name the
    opening message `conversation_message`, which is the opening comment. -#}
{% macro intercom_part_type(column) -%}
    case
        when lower(trim({{ column }})) = 'conversation_message' then 'comment'
        else coalesce(nullif(lower(trim({{ column }})), ''), 'comment')
    end
{%- endmacro %}


{#- Part types that carry internal notes, never replies (SPEC §1 A). -#}
{% macro intercom_note_part_types() -%}
    ('note', 'note_and_reopen')
{%- endmacro %}

{#- Part types that reopen a closed conversation (SPEC §1 A, §4). -#}
{% macro intercom_reopen_part_types() -%}
    ('open', 'assign_and_reopen', 'note_and_reopen')
{%- endmacro %}

{#- Part types that wake a snoozed conversation (SPEC §1 A, §4). -#}
{% macro intercom_wake_part_types() -%}
    ('unsnoozed', 'timer_unsnooze', 'assign_and_unsnooze')
{%- endmacro %}


{#- Part types that assign the conversation (SPEC §1 A, §7): an owner row even when it names nobody. -#}
{% macro intercom_assignment_part_types() -%}
    ('assignment', 'default_assignment', 'away_mode_assignment', 'assign_and_reopen', 'assign_and_unsnooze')
{%- endmacro %}


{#- A part that someone can read (SPEC §1 A): a comment, or a part of another type that carries a
    non-empty body; notes never are. Over staged message columns (sender_type, part_type, has_body). -#}
{% macro is_visible_part() -%}
    (part_type = 'comment' or (coalesce(has_body, false) and part_type not in {{ intercom_note_part_types() }}))
{%- endmacro %}


{#- SPEC §1 A: a visible reply is a visible part by an admin. -#}
{% macro is_visible_reply() -%}
    (sender_type = 'admin' and {{ is_visible_part() }})
{%- endmacro %}


{#- SPEC §1 A: a customer message is a visible part by the customer side (a reply that reopens a
    closed or outbound conversation arrives as an `open` part with text). -#}
{% macro is_customer_message() -%}
    (sender_type = 'user' and {{ is_visible_part() }})
{%- endmacro %}


{#- SPEC §7: a bot part a customer can read first: a bot comment or a bot part with a body. -#}
{% macro is_bot_answer() -%}
    (sender_type = 'bot' and (part_type = 'comment' or coalesce(has_body, false)))
{%- endmacro %}


{#- SPEC §7: a close that is not a teammate's reply, whoever closes (a teammate without a body, a bot or
    a workflow); it ends a wait that no reply ends. -#}
{% macro is_close_without_reply() -%}
    (part_type = 'close' and not {{ is_visible_reply() }} and not {{ is_customer_message() }})
{%- endmacro %}


{#- SPEC §4: what a staged message does to the conversation's state: close, open (a reopen part),
    snooze, unsnooze (a wake part) or customer_message; null for everything else. -#}
{% macro intercom_state_event() -%}
    case
        when part_type = 'close' then 'close'
        when part_type in {{ intercom_reopen_part_types() }} then 'open'
        when part_type = 'snoozed' then 'snooze'
        when part_type in {{ intercom_wake_part_types() }} then 'unsnooze'
        when {{ is_customer_message() }} then 'customer_message'
    end
{%- endmacro %}


{#- SPEC §6: a schedule's open seconds before `instant`, spread over the rows of an
    int_business_hours_intervals join on the instant's UTC day (alias `intervals`): summed over the day's
    rows it is the day's running total plus each interval's open part before the instant. -#}
{% macro open_seconds_before(instant) -%}
    case when intervals.interval_of_day = 1 then intervals.open_seconds_before_day else 0 end
    + coalesce(
        greatest({{ seconds_between('intervals.open_at', 'least(' ~ instant ~ ', intervals.close_at)') }}, 0),
        0
    )
{%- endmacro %}


{#- The project variable for unanswered conversations (SPEC §3), checked so a typo fails loudly. -#}
{% macro unanswered_sla_status() -%}
    {%- set policy = var('unanswered_sla_status', 'breach') -%}
    {%- if policy not in ('breach', 'pending') -%}
        {{ exceptions.raise_compiler_error(
            "var unanswered_sla_status must be 'breach' or 'pending', got '" ~ policy ~ "'") }}
    {%- endif -%}
    {{ return(policy) }}
{%- endmacro %}


{#- Breach-rate measures over fct_conversations rows in SLA scope (SPEC §5), shared by every
    breach-rate mart so the definitions cannot drift apart: in the policy's clock, and side by side
    in calendar time and in business time (SPEC §6). -#}
{% macro sla_breach_measures() -%}
    count(*) as conversations,
    {{ count_where("sla_status = 'breached'") }} as breaches,
    {{ count_where("sla_status = 'pending'") }} as pending,
    {{ ratio(count_where("sla_status = 'breached'"), 'count(*)', 100) }} as breach_rate_pct,
    {{ count_where("calendar_sla_status = 'breached'") }} as calendar_breaches,
    {{ ratio(count_where("calendar_sla_status = 'breached'"), 'count(*)', 100) }} as calendar_breach_rate_pct,
    count(business_hours_sla_status) as business_hours_conversations,
    {{ count_where("business_hours_sla_status = 'breached'") }} as business_hours_breaches,
    {{ ratio(count_where("business_hours_sla_status = 'breached'"), 'count(business_hours_sla_status)', 100) }}
        as business_hours_breach_rate_pct,
    {{ percentile_cont('response_minutes', 0.5) }} as median_response_minutes,
    {{ percentile_cont('response_minutes', 0.95) }} as p95_response_minutes
{%- endmacro %}


{#- Next-reply measures over fct_customer_waits rows (SPEC §7), shared by every next-reply mart: waits
    held to a target (`met`, `breached`, `pending`; `no_target` and `closed_without_reply` count in no
    rate) and the subsequent reply times of the waits that were answered. -#}
{% macro next_reply_measures() -%}
    {{ count_where("status in ('met', 'breached', 'pending')") }} as rated_waits,
    {{ count_where("status = 'breached'") }} as breaches,
    {{ count_where("status = 'pending'") }} as pending,
    {{ ratio(count_where("status = 'breached'"), count_where("status in ('met', 'breached', 'pending')"), 100) }}
        as breach_rate_pct,
    {{ count_where("status = 'closed_without_reply'") }} as closed_without_reply,
    {{ percentile_cont("case when ended_by = 'replied' then wait_seconds end", 0.5) }} as median_reply_seconds,
    {{ percentile_cont("case when ended_by = 'replied' then wait_seconds end", 0.9) }} as p90_reply_seconds
{%- endmacro %}


{#- The owner a wait is credited to (SPEC §7): the owner at breach for a breached wait, else the owner at
    its start. `kind` is `assignee` or `team`. -#}
{% macro wait_owner(kind) -%}
    case when status = 'breached' then {{ kind }}_at_breach else {{ kind }}_at_start end
{%- endmacro %}


{#- part / whole (times scale) as a double, null when whole is 0. The part is cast first: integer
    division on PostgreSQL, and decimal literals (100.0) on Spark, would round. -#}
{% macro ratio(part, whole, scale=1) -%}
    (cast({{ part }} as {{ type_double() }}){{ ' * ' ~ scale if scale != 1 }} / nullif({{ whole }}, 0))
{%- endmacro %}


{#- Rows meeting a condition, as a bigint on every engine (DuckDB's sum would give a hugeint). -#}
{% macro count_where(condition) -%}
    cast(coalesce(sum(case when {{ condition }} then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
{%- endmacro %}


{#- Resolution measures over fct_conversations rows with in_resolution_metrics (SPEC §4), shared by
    every resolution mart. -#}
{% macro resolution_measures() -%}
    count(*) as total_closed,
    {{ percentile_cont('resolution_seconds / 3600.0', 0.5) }} as median_hours,
    {{ percentile_cont('resolution_seconds / 3600.0', 0.95) }} as p95_hours,
    {{ ratio(count_where('resolution_seconds <= 86400'), 'count(*)') }} as within_24h_share,
    cast(avg(message_count) as {{ type_double() }}) as avg_messages,
    {{ count_where("resolution_sla_status = 'breached'") }} as resolution_breaches,
    {{ ratio(count_where("resolution_sla_status = 'breached'"), 'count(*)', 100) }} as resolution_breach_rate_pct
{%- endmacro %}


{#- Minutes after midnight of an `HH:MM` time of day (business_hours seed; `24:00` is 1440). -#}
{% macro minutes_of_day(hh_mm) -%}
    (cast({{ dbt.split_part(hh_mm, "':'", 1) }} as integer) * 60 + cast({{ dbt.split_part(hh_mm, "':'", 2) }} as integer))
{%- endmacro %}


{#- The schedule business minutes are shown in for conversations whose policy runs on calendar time
    (project variable business_hours_comparison_schedule), as a SQL literal; null when unset. -#}
{% macro business_hours_comparison_schedule() -%}
    {%- set schedule = var('business_hours_comparison_schedule', '') -%}
    {%- if schedule -%}
        '{{ schedule | replace("'", "''") }}'
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- A first-response verdict (SPEC §3) from the elapsed seconds to the first response (null when
    unanswered) and the seconds waited at the data's as-of time, in one clock. -#}
{% macro sla_verdict(response_seconds, unanswered_seconds, threshold_seconds) -%}
    case
        when not in_first_response_scope then null
        when {{ response_seconds }} <= {{ threshold_seconds }} then 'met'
        when {{ response_seconds }} > {{ threshold_seconds }} then 'breached'
        {% if unanswered_sla_status() == 'pending' -%}
        when {{ unanswered_seconds }} <= {{ threshold_seconds }} then 'pending'
        {% endif -%}
        else 'breached'
    end
{%- endmacro %}


{#- A parity check's value as text for reading: timestamps in UTC (`2026-03-02 14:10:00 UTC`), counts and
    verdicts as they are. -#}
{% macro parity_text(expression, kind) -%}
    {%- if kind == 'timestamp' -%}
        {{ dbt.concat([utc_timestamp_text(expression), "' UTC'"]) }}
    {%- else -%}
        cast({{ expression }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- One of Intercom's own figures that the loader keeps in _extra_columns for REST API loads. -#}
{% macro intercom_figure(key, kind) -%}
    {%- set value = json_text('_extra_columns', 'intercom_' ~ key) -%}
    {%- if kind == 'timestamp' -%}
        {{ timestamp_from_text(value, 'raw.conversations statistics.' ~ key) }}
    {%- elif kind == 'count' -%}
        cast({{ value }} as {{ dbt.type_bigint() }})
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}


{#- One check of mart_intercom_parity: the project's and Intercom's figure for every conversation where
    Intercom gives one, read from the `compared` CTE. -#}
{% macro parity_check(check_name, project_value, intercom_value, kind) -%}
    select
        conversation_id,
        '{{ check_name }}' as check_name,
        {{ parity_text(project_value, kind) }} as project_value,
        {{ parity_text(intercom_value, kind) }} as intercom_value,
        coalesce({{ project_value }} = {{ intercom_value }}, false) as agrees,
        parts_loaded < intercom_count_conversation_parts as parts_missing,
        parts_loaded,
        intercom_count_conversation_parts,
        first_response_source,
        priority,
        sla_threshold_minutes,
        sla_clock,
        business_hours_sla_status,
        intercom_sla_verdict,
        intercom_sla_name
    from compared
    where {{ intercom_value }} is not null
{%- endmacro %}
