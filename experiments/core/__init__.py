"""What every drop-based kind shares: seeds and finding a drop (``drops``), sweep points and
batched design and evaluation on common random numbers (``design``), the table columns
(``tables``)."""
